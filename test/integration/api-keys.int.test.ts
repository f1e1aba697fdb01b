/**
 * Tenant API keys against the local cloud: an admin makes a key with scopes and sees its secret once; the
 * key reads and writes what its scopes allow on the routes open to keys (through the Lambda authoriser),
 * nothing else, and only its own tenant's data; a revoked, altered or unknown key is refused; another
 * tenant can neither list nor revoke it. The same routes still take users' ID tokens.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../functions/routes.ts';
import { hashApiKey } from '../../layers/domain/tenancy/api-keys.ts';
import { configKeys } from '../../layers/resources/keys.ts';
import { randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { api } from '../support/contact-center.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;
let admin: TestUser;
let other: TestUser;

const withKey = async (key: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${webUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
};

beforeAll(async () => {
  admin = await signIn(webUrl, { tenantId: randomTenantId('keys'), groups: ['admin'] });
  other = await signIn(webUrl, { tenantId: randomTenantId('keys-other'), groups: ['admin'] });
  expect((await api(webUrl, admin, 'PUT', '/queues/sales', { name: 'Keys sales' })).status).toBe(200);
  expect((await api(webUrl, other, 'PUT', '/queues/sales', { name: 'Other-private-queue' })).status).toBe(
    200,
  );
});

describe('tenant API keys', () => {
  it('acts for its tenant within its scopes, is stored only as a hash, and stops at revocation', async () => {
    const created = await api(webUrl, admin, 'POST', '/api-keys', {
      name: 'CRM',
      scopes: ['queues:read', 'flows:read'],
    });
    expect(created.status).toBe(201);
    const { key, keyId } = created.body as { key: string; keyId: string };
    expect(key).toMatch(new RegExp(`^olk_${keyId}_[A-Za-z0-9_-]{43}$`));

    // Listed without the secret; stored as its hash only.
    const listed = await api(webUrl, admin, 'GET', '/api-keys');
    expect(listed.body.keys).toEqual([
      {
        keyId,
        name: 'CRM',
        scopes: ['flows:read', 'queues:read'],
        createdAt: expect.any(String),
        createdBy: admin.email,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(-43));
    const stored = await cloud.clients.documents.send(
      new GetCommand({
        TableName: cloud.config.tables.config,
        Key: configKeys.apiKeyDirectory(hashApiKey(key)),
      }),
    );
    expect(JSON.stringify(stored.Item)).not.toContain(key.slice(-43));

    // Within its scopes, its own tenant's data only.
    const queues = await withKey(key, 'GET', '/queues');
    expect(queues.status).toBe(200);
    expect(JSON.stringify(queues.body)).toContain('Keys sales');
    expect(JSON.stringify(queues.body)).not.toContain('Other-private-queue');
    expect((await withKey(key, 'GET', '/flows')).status).toBe(200);
    // Outside them: refused by the handler (403) on key routes, by the gateway (401) on user-only routes.
    const write = await withKey(key, 'PUT', '/queues/sales', { name: 'Taken over' });
    expect(write.status).toBe(403);
    expect(write.body.message).toBe('this API key lacks the scope queues:write');
    expect((await withKey(key, 'GET', '/wallboard')).status).toBe(403);
    for (const route of httpRoutes.filter((r) => r.auth === 'jwt')) {
      const [method, path] = route.routeKey.replace('/api/v1', '').split(' ') as [string, string];
      expect((await withKey(key, method, path.replace(/\{\w+\}/g, 'x'))).status, route.routeKey).toBe(401);
    }
    expect(JSON.stringify((await api(webUrl, admin, 'GET', '/queues')).body)).toContain('Keys sales');

    // Another tenant can neither see nor revoke it.
    expect(JSON.stringify((await api(webUrl, other, 'GET', '/api-keys')).body)).not.toContain(keyId);
    expect((await api(webUrl, other, 'DELETE', `/api-keys/${keyId}`)).status).toBe(404);
    expect((await withKey(key, 'GET', '/queues')).status).toBe(200);

    // Altered or unknown keys are refused; a revoked one too, at once.
    const altered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await withKey(altered, 'GET', '/queues')).status).toBe(403);
    expect((await withKey(`olk_${'a'.repeat(12)}_${'b'.repeat(43)}`, 'GET', '/queues')).status).toBe(403);
    expect((await api(webUrl, admin, 'DELETE', `/api-keys/${keyId}`)).status).toBe(200);
    expect((await withKey(key, 'GET', '/queues')).status).toBe(403);
    expect((await api(webUrl, admin, 'DELETE', `/api-keys/${keyId}`)).status).toBe(404);
    expect((await api(webUrl, admin, 'GET', '/api-keys')).body.keys).toEqual([]);
  });

  it('takes users’ ID tokens on the same routes, and refuses bad keys to make', async () => {
    expect((await api(webUrl, admin, 'GET', '/queues')).status).toBe(200);
    const agent = await signIn(webUrl, { tenantId: admin.tenantId, groups: ['agent'] });
    expect(
      (await api(webUrl, agent, 'POST', '/api-keys', { name: 'x', scopes: ['flows:read'] })).status,
    ).toBe(403);
    for (const body of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['everything'] },
      { name: '', scopes: ['flows:read'] },
      { name: 'x', scopes: ['flows:read'], tenantId: other.tenantId },
    ]) {
      const refused = await api(webUrl, admin, 'POST', '/api-keys', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    // A key can write what its scope allows (and the write is its tenant's).
    const writer = await api(webUrl, admin, 'POST', '/api-keys', { name: 'Sync', scopes: ['queues:write'] });
    const key = (writer.body as { key: string }).key;
    expect((await withKey(key, 'PUT', '/queues/support', { name: 'Made by a key' })).status).toBe(200);
    expect(JSON.stringify((await api(webUrl, admin, 'GET', '/queues')).body)).toContain('Made by a key');
    expect(JSON.stringify((await api(webUrl, other, 'GET', '/queues')).body)).not.toContain('Made by a key');
  });

  it('holds a tenant to 20 keys even when they are asked for all at once', async () => {
    const busy = await signIn(webUrl, { tenantId: randomTenantId('keys-many'), groups: ['admin'] });
    const made = await Promise.all(
      Array.from({ length: 26 }, (_, i) =>
        api(webUrl, busy, 'POST', '/api-keys', { name: `k${i}`, scopes: ['flows:read'] }),
      ),
    );
    expect(made.filter((r) => r.status === 201)).toHaveLength(20);
    expect(made.filter((r) => r.status === 409)).toHaveLength(6);
    expect(((await api(webUrl, busy, 'GET', '/api-keys')).body.keys as unknown[]).length).toBe(20);
    // A revoked key frees its place.
    const [first] = (await api(webUrl, busy, 'GET', '/api-keys')).body.keys as { keyId: string }[];
    expect((await api(webUrl, busy, 'DELETE', `/api-keys/${first?.keyId}`)).status).toBe(200);
    expect(
      (await api(webUrl, busy, 'POST', '/api-keys', { name: 'again', scopes: ['flows:read'] })).status,
    ).toBe(201);
  });
});
