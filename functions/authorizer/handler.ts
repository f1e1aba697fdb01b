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
}

export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: Readonly<Record<string, string>>;
}

let keys: DynamoDbApiKeys | undefined;
let verifier: JwtAuthorizer | undefined;

export async function handler(event: AuthorizerEvent): Promise<AuthorizerResult> {
  const authorization = event.headers?.authorization ?? '';
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
