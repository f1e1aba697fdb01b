import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  callerIdentity,
  identityFromClaims,
  parseGroups,
  requireAccess,
  requireGroup,
} from '../../layers/adapters/caller-identity.ts';
import { ForbiddenError, UnauthorizedError } from '../../layers/domain/errors.ts';

/** Claims as API Gateway hands them to a handler: every value a string. */
const claims = {
  sub: '3aae38bb-5072-45a6-843c-91afbc4f8853',
  email: 'ada@example.com',
  email_verified: 'true',
  token_use: 'id',
  'custom:tenant_id': 'acme-1',
  'cognito:groups': '[admin agent]',
  exp: '1795487241',
};

const event = (authorizer: unknown) =>
  ({ requestContext: { requestId: 'r-1', authorizer } }) as unknown as APIGatewayProxyEventV2;

describe('caller identity', () => {
  it('reads tenant, user, email and groups from the claims API Gateway verified', () => {
    expect(callerIdentity(event({ jwt: { claims, scopes: null } }))).toEqual({
      kind: 'user',
      tenantId: 'acme-1',
      userId: claims.sub,
      email: 'ada@example.com',
      groups: ['admin', 'agent'],
      scopes: [],
    });
  });

  it('reads the Lambda authoriser’s context: a user’s claims, or an API key with its scopes and no groups', () => {
    expect(callerIdentity(event({ lambda: { ...claims, kind: 'user' } }))).toMatchObject({
      kind: 'user',
      tenantId: 'acme-1',
      groups: ['admin', 'agent'],
    });
    const key = callerIdentity(
      event({
        lambda: { kind: 'key', tenantId: 'acme-1', keyId: 'k1', scopes: 'flows:read bogus queues:read' },
      }),
    );
    expect(key).toEqual({
      kind: 'key',
      tenantId: 'acme-1',
      userId: 'apikey:k1',
      email: 'apikey:k1',
      groups: [],
      scopes: ['flows:read', 'queues:read'],
    });
    expect(() => requireAccess(key, 'flows:read', 'admin')).not.toThrow();
    expect(() => requireAccess(key, 'flows:write', 'admin')).toThrow(/lacks the scope flows:write/);
    expect(() => requireGroup(key, 'admin')).toThrow(ForbiddenError);
    expect(() =>
      callerIdentity(event({ lambda: { kind: 'key', tenantId: 'NOT valid#', keyId: 'k1' } })),
    ).toThrow(UnauthorizedError);
  });

  it('reads cognito:groups in every form it arrives in, dropping unknown groups', () => {
    expect(parseGroups('[admin agent]')).toEqual(['admin', 'agent']);
    expect(parseGroups('[supervisor]')).toEqual(['supervisor']);
    expect(parseGroups(['agent', 'admin'])).toEqual(['admin', 'agent']);
    expect(parseGroups('["agent","supervisor"]')).toEqual(['supervisor', 'agent']);
    expect(parseGroups('admin,agent')).toEqual(['admin', 'agent']);
    expect(parseGroups('agent')).toEqual(['agent']);
    expect(parseGroups('[root admins agent]')).toEqual(['agent']);
    expect(parseGroups('[]')).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
  });

  it('takes the array form of the token itself too', () => {
    const identity = identityFromClaims({ ...claims, 'cognito:groups': ['supervisor'] });
    expect(identity.groups).toEqual(['supervisor']);
  });

  it('treats a user in no group as having no role', () => {
    const { 'cognito:groups': _, ...withoutGroups } = claims;
    expect(identityFromClaims(withoutGroups).groups).toEqual([]);
  });

  it('answers 401 when the request carries no verified claims', () => {
    for (const authorizer of [undefined, null, {}, { jwt: {} }, { jwt: { claims: null } }]) {
      expect(() => callerIdentity(event(authorizer))).toThrow(UnauthorizedError);
    }
  });

  it('answers 401 for a missing or invalid tenant claim, never a 400 that would blame the caller input', () => {
    const { 'custom:tenant_id': _, ...withoutTenant } = claims;
    for (const bad of [
      withoutTenant,
      { ...claims, 'custom:tenant_id': '' },
      { ...claims, 'custom:tenant_id': 'Acme' },
      { ...claims, 'custom:tenant_id': 'a#b-tenant' },
      { ...claims, 'custom:tenant_id': 7 },
    ]) {
      const error = catchError(() => identityFromClaims(bad));
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as UnauthorizedError).status).toBe(401);
    }
  });

  it('answers 401 for an access token or a token without sub or email', () => {
    const { sub: _, ...withoutSub } = claims;
    const { email: __, ...withoutEmail } = claims;
    for (const bad of [{ ...claims, token_use: 'access' }, withoutSub, withoutEmail]) {
      expect(() => identityFromClaims(bad)).toThrow(UnauthorizedError);
    }
  });

  it('requireGroup passes a member of any named group and answers 403 otherwise', () => {
    const agent = identityFromClaims({ ...claims, 'cognito:groups': '[agent]' });
    expect(() => requireGroup(agent, 'agent')).not.toThrow();
    expect(() => requireGroup(agent, 'admin', 'agent')).not.toThrow();
    const error = catchError(() => requireGroup(agent, 'admin', 'supervisor'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).status).toBe(403);
    expect((error as ForbiddenError).message).toMatch(/admin, supervisor/);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
