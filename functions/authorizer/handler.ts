/**
 * The HTTP API's Lambda authoriser (payload 2.0, simple responses) for the routes that partners may call
 * with an API key as well as users with their ID token (`auth: 'jwt-or-key'` in routes.ts). An
 * `Authorization: Bearer olk_…` (or `ApiKey olk_…`) is looked up by its hash; anything else is checked as an
 * ID token by the same verifier the JWT routes use (JWKS, issuer, audience, expiry). The context it returns
 * reaches the handler as `requestContext.authorizer.lambda`, read by caller-identity.ts: the tenant always
 * comes from here, never from the request.
 */
import { DynamoDbApiKeys } from '../../layers/adapters/dynamodb-api-keys.ts';
import { JwtAuthorizer } from '../../layers/adapters/jwt-verifier.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { looksLikeApiKey } from '../../layers/domain/tenancy/api-keys.ts';

export interface AuthorizerEvent {
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** WebSocket $connect (a REQUEST authoriser): the route's ARN, and the token as `?token=`. */
  readonly methodArn?: string;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
}

export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: Readonly<Record<string, string>>;
}

/** What a WebSocket API's Lambda authoriser must answer: an IAM policy (it has no simple responses). */
export interface PolicyResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly { Action: string; Effect: 'Allow' | 'Deny'; Resource: string }[];
  };
  readonly context?: Readonly<Record<string, string>>;
}

let keys: DynamoDbApiKeys | undefined;
let verifier: JwtAuthorizer | undefined;

export async function handler(event: AuthorizerEvent): Promise<AuthorizerResult | PolicyResult> {
  if (event.methodArn !== undefined)
    return connectPolicy(event.methodArn, event.queryStringParameters?.token);
  return authorize(event.headers?.authorization ?? '');
}

/** A WebSocket connection: users only (ID tokens), never API keys; the claims travel with the connection. */
async function connectPolicy(methodArn: string, token: string | undefined): Promise<PolicyResult> {
  const verdict = looksLikeApiKey(token ?? '')
    ? { isAuthorized: false }
    : await authorize(`Bearer ${token ?? ''}`);
  const claims = verdict.isAuthorized ? (verdict.context ?? {}) : {};
  return {
    principalId: claims.sub ?? 'anonymous',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: verdict.isAuthorized ? 'Allow' : 'Deny',
          Resource: methodArn,
        },
      ],
    },
    ...(verdict.isAuthorized ? { context: claims } : {}),
  };
}

async function authorize(authorization: string): Promise<AuthorizerResult> {
  const credential = authorization.replace(/^(Bearer|ApiKey)\s+/i, '').trim();
  if (looksLikeApiKey(credential)) {
    keys ??= new DynamoDbApiKeys(runtimeClients().documents, runtimeConfig().tables.config);
    const principal = await keys.principal(credential);
    if (principal === undefined) return { isAuthorized: false };
    return {
      isAuthorized: true,
      context: {
        kind: 'key',
        tenantId: principal.tenantId,
        keyId: principal.keyId,
        scopes: principal.scopes.join(' '),
      },
    };
  }
  const jwt = runtimeConfig().jwt;
  if (jwt === undefined) return { isAuthorized: false };
  verifier ??= new JwtAuthorizer({ issuer: jwt.issuer, audience: jwt.audience });
  const verdict = await verifier.authorize(authorization);
  if (!verdict.ok) return { isAuthorized: false };
  return { isAuthorized: true, context: { ...verdict.claims, kind: 'user' } };
}
