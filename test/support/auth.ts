/**
 * Signed-in test users on the local cloud's issuer (the stand-in for the Cognito user pool). Each call
 * creates a fresh user with a random email through `POST /_auth/users` and signs it in through
 * `POST /_auth/token`, so tests never share users:
 *
 *   const tenant = randomTenantId('flows');
 *   const admin = await signIn(localCloud().webUrl, { tenantId: tenant, groups: ['admin'] });
 *   await fetch(`${webUrl}/api/v1/me`, { headers: { authorization: admin.authorization } });
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { UserGroup } from '../../layers/adapters/caller-identity.ts';
import { type TenantId, tenantId } from '../../layers/domain/tenancy/ids.ts';

export interface TestUser {
  readonly userId: string;
  readonly email: string;
  readonly password: string;
  readonly tenantId: string;
  readonly groups: readonly UserGroup[];
  readonly idToken: string;
  /** `Bearer <idToken>`: the value of the Authorization header. */
  readonly authorization: string;
}

export interface NewTestUser {
  readonly tenantId: string;
  /** Default: agent. */
  readonly groups?: readonly UserGroup[];
  /** Default: a random address at example.com. */
  readonly email?: string;
  /** Default: a random password that meets the pool's policy. */
  readonly password?: string;
}

/** A tenant id no other test uses: `<prefix>-<8 hex>`. */
export function randomTenantId(prefix = 'test'): TenantId {
  return tenantId(`${prefix}-${randomUUID().slice(0, 8)}`);
}

/** Creates the user (failing the test with the issuer's answer if it is refused) and returns it signed in. */
export async function signIn(webUrl: string, user: NewTestUser): Promise<TestUser> {
  const email = user.email ?? `user-${randomUUID()}@example.com`;
  const password = user.password ?? `Pw1!${randomBytes(12).toString('base64url')}`;
  const groups = user.groups ?? ['agent'];
  const created = await postJson(`${webUrl}/_auth/users`, {
    email,
    password,
    tenantId: user.tenantId,
    groups,
  });
  if (created.status !== 201)
    throw new Error(`POST /_auth/users answered ${created.status}: ${JSON.stringify(created.body)}`);
  const idToken = await requestIdToken(webUrl, email, password);
  const { userId } = created.body as { userId: string };
  return {
    userId,
    email,
    password,
    tenantId: user.tenantId,
    groups,
    idToken,
    authorization: `Bearer ${idToken}`,
  };
}

/** Signs an existing user in; throws unless the issuer answers 200. */
export async function requestIdToken(webUrl: string, email: string, password: string): Promise<string> {
  const response = await postJson(`${webUrl}/_auth/token`, { email, password });
  if (response.status !== 200)
    throw new Error(`POST /_auth/token answered ${response.status}: ${JSON.stringify(response.body)}`);
  return (response.body as { idToken: string }).idToken;
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
