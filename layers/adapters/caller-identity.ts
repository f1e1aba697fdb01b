/**
 * Who is calling, read from the claims that API Gateway's JWT authoriser verified and placed in
 * `requestContext.authorizer.jwt.claims`: a Cognito ID token on AWS, the local issuer's token of the same
 * shape in the local cloud. Handlers take the tenant from here and from nowhere else (never from a path,
 * query or body), so no request can reach another tenant's data.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.ts';
import { type ApiScope, isApiScope } from '../domain/tenancy/api-keys.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';

/** The Cognito groups Openline knows; a user's groups are its roles. */
export const userGroups = ['admin', 'supervisor', 'agent'] as const;
export type UserGroup = (typeof userGroups)[number];

export interface CallerIdentity {
  /** A signed-in user, or a tenant API key (which acts only within its scopes and has no groups). */
  readonly kind: 'user' | 'key';
  readonly tenantId: TenantId;
  /** The user pool's `sub`: stable for the user's lifetime, unlike the email. */
  readonly userId: string;
  readonly email: string;
  readonly groups: readonly UserGroup[];
  /** An API key's scopes; none for a user (whose groups say what it may do). */
  readonly scopes: readonly ApiScope[];
}

/** The caller's identity from a request that passed the JWT authoriser, or a 401. */
export function callerIdentity(event: APIGatewayProxyEventV2): CallerIdentity {
  // The plain v2 event type has no authoriser; routes with auth 'jwt' get `authorizer.jwt`, routes with
  // 'jwt-or-key' the Lambda authoriser's context as `authorizer.lambda` (functions/authorizer/handler.ts).
  const context = event.requestContext as {
    authorizer?: { jwt?: { claims?: unknown }; lambda?: Readonly<Record<string, unknown>> };
  };
  const lambda = context.authorizer?.lambda;
  if (lambda?.kind === 'key') return keyIdentity(lambda);
  const claims = context.authorizer?.jwt?.claims ?? (lambda?.kind === 'user' ? lambda : undefined);
  if (typeof claims !== 'object' || claims === null)
    throw new UnauthorizedError('the request carries no verified identity');
  return identityFromClaims(claims as Readonly<Record<string, unknown>>);
}

/**
 * Who is on a WebSocket connection: the claims the authoriser verified at $connect, which API Gateway passes
 * with every event of the connection (`requestContext.authorizer`).
 */
export function socketIdentity(event: { requestContext: unknown }): CallerIdentity {
  const context = event.requestContext as { authorizer?: unknown };
  const claims = context.authorizer;
  if (typeof claims !== 'object' || claims === null)
    throw new UnauthorizedError('the connection carries no verified identity');
  return identityFromClaims(claims as Readonly<Record<string, unknown>>);
}

export function identityFromClaims(claims: Readonly<Record<string, unknown>>): CallerIdentity {
  // Access tokens pass an authoriser that accepts their client_id but carry no user attributes: only an
  // ID token says who the user is and which tenant it belongs to.
  if (claims.token_use !== 'id') throw new UnauthorizedError('the token is not an ID token');
  const text = (name: string): string => {
    const value = claims[name];
    if (typeof value !== 'string' || value.trim() === '')
      throw new UnauthorizedError(`the token has no '${name}' claim`);
    return value;
  };
  const tenant = text('custom:tenant_id');
  let verifiedTenant: TenantId;
  try {
    verifiedTenant = tenantId(tenant);
  } catch (cause) {
    throw new UnauthorizedError('the token does not name a valid tenant', { cause });
  }
  return {
    kind: 'user',
    tenantId: verifiedTenant,
    userId: text('sub'),
    email: text('email'),
    groups: parseGroups(claims['cognito:groups']),
    scopes: [],
  };
}

/** An API key's identity from the authoriser's context: its tenant, its id, its scopes; no groups. */
function keyIdentity(context: Readonly<Record<string, unknown>>): CallerIdentity {
  const keyId = typeof context.keyId === 'string' ? context.keyId : '';
  let tenant: TenantId;
  try {
    tenant = tenantId(String(context.tenantId ?? ''));
  } catch (cause) {
    throw new UnauthorizedError('the API key does not name a valid tenant', { cause });
  }
  if (keyId === '') throw new UnauthorizedError('the API key has no id');
  return {
    kind: 'key',
    tenantId: tenant,
    userId: `apikey:${keyId}`,
    email: `apikey:${keyId}`,
    groups: [],
    scopes: String(context.scopes ?? '')
      .split(' ')
      .filter(isApiScope),
  };
}

/**
 * `cognito:groups` arrives as an array in the token, but API Gateway hands every claim to the handler as a
 * string and renders arrays as `[admin agent]`. Both forms (and a JSON or comma-separated string) are
 * read; names Openline does not know are dropped, so an extra group in the user pool grants nothing.
 */
export function parseGroups(value: unknown): UserGroup[] {
  let names: unknown[] = [];
  if (Array.isArray(value)) names = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    names = jsonArray(text) ?? text.replace(/^\[(.*)\]$/s, '$1').split(/[\s,]+/);
  }
  return userGroups.filter((group) => names.includes(group));
}

function jsonArray(text: string): unknown[] | undefined {
  if (!text.startsWith('["')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Passes if the caller is in at least one of the groups, else a 403. */
/**
 * A user needs one of `groups`; an API key needs `scope` (a key never passes a check that names no scope).
 */
export function requireAccess(
  identity: CallerIdentity,
  scope: ApiScope,
  ...groups: readonly [UserGroup, ...UserGroup[]]
): void {
  if (identity.kind === 'user') requireGroup(identity, ...groups);
  else if (!identity.scopes.includes(scope))
    throw new ForbiddenError(`this API key lacks the scope ${scope}`);
}

export function requireGroup(
  identity: CallerIdentity,
  ...groups: readonly [UserGroup, ...UserGroup[]]
): void {
  if (groups.some((group) => identity.groups.includes(group))) return;
  throw new ForbiddenError(`this needs membership of one of the groups: ${groups.join(', ')}`);
}
