/**
 * The flows API through the local gateway with signed-in users: validate, save a draft, publish immutable
 * versions, list them, roll back — every route scoped to the caller's tenant, writes for admins only.
 */
import { describe, expect, it } from 'vitest';
import { demoFlow } from '../../infra/local/demo/demo-flow.ts';
import { randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';

const { webUrl } = localCloud();
const good = (name: string) => ({
  schemaVersion: 1,
  name,
  languages: ['en-US'],
  start: 'hello',
  nodes: { hello: { type: 'hangup', prompt: { say: { 'en-US': `This is ${name}.` } } } },
});
const bad = {
  schemaVersion: 1,
  name: 'broken',
  languages: ['en-US'],
  start: 'menu',
  nodes: {
    menu: {
      type: 'menu',
      prompt: { say: { 'en-US': 'Pick.' } },
      options: { '1': 'gone' },
      exhausted: 'menu',
    },
    stray: { type: 'hangup' },
  },
};

async function api(user: TestUser | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(`${webUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(user === undefined ? {} : { authorization: user.authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the flows API', () => {
  it('publishes versions, refuses an invalid flow naming each problem, and rolls back', async () => {
    const admin = await signIn(webUrl, { tenantId: randomTenantId('flows'), groups: ['admin'] });
    expect(await api(admin, 'POST', '/flows/main/versions', { document: good('first') })).toMatchObject({
      status: 201,
      body: { flowId: 'main', version: 1 },
    });
    expect(
      (await api(admin, 'POST', '/flows/main/versions', { document: good('second') })).body,
    ).toMatchObject({
      version: 2,
    });

    const refused = await api(admin, 'POST', '/flows/main/versions', { document: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('the flow has 2 problems');
    expect(refused.body.problems).toEqual(
      expect.arrayContaining([
        { path: 'nodes.menu.options.1', message: "goes to 'gone', which is not a node of this flow" },
        { path: 'nodes.stray', message: "cannot be reached from start 'menu'" },
      ]),
    );
    const draft = await api(admin, 'PUT', '/flows/main/draft', bad);
    expect(draft.status).toBe(400);
    const flow = await api(admin, 'GET', '/flows/main');
    expect(flow.body).toMatchObject({ published: { version: 2, document: { name: 'second' } }, draft: null });

    const versions = await api(admin, 'GET', '/flows/main/versions');
    expect(versions.body).toMatchObject({ published: 2, versions: [{ version: 2 }, { version: 1 }] });
    expect((versions.body.versions as { publishedBy: string }[])[0]?.publishedBy).toBe(admin.email);

    expect((await api(admin, 'POST', '/flows/main/rollback', { version: 1 })).body).toMatchObject({
      published: 1,
    });
    expect((await api(admin, 'GET', '/flows/main')).body).toMatchObject({
      published: { version: 1, document: { name: 'first' } },
    });
    expect((await api(admin, 'GET', '/flows/main/versions/2')).body).toMatchObject({
      version: 2,
      document: { name: 'second' },
    });
    expect((await api(admin, 'POST', '/flows/main/rollback', { version: 9 })).status).toBe(404);
    expect((await api(admin, 'GET', '/flows')).body).toEqual({ flows: ['main'] });
  });

  it('saves a draft and publishes it; validates without saving', async () => {
    const admin = await signIn(webUrl, { tenantId: randomTenantId('flows'), groups: ['admin'] });
    const demo = demoFlow({ orderServiceUrl: 'https://orders.example.com', operatorNumber: '+12065550111' });
    expect((await api(admin, 'POST', '/flows/validate', demo)).body).toEqual({ valid: true, problems: [] });
    expect((await api(admin, 'POST', '/flows/validate', bad)).body).toMatchObject({ valid: false });
    expect((await api(admin, 'PUT', '/flows/shop/draft', demo)).status).toBe(200);
    expect(await api(admin, 'POST', '/flows/shop/versions', {})).toMatchObject({
      status: 201,
      body: { version: 1 },
    });
    expect((await api(admin, 'GET', '/flows/shop')).body).toMatchObject({
      published: { version: 1, document: { name: 'Openline demo shop' } },
      draft: { document: { name: 'Openline demo shop' } },
    });
    expect((await api(admin, 'POST', '/flows/other/versions', {})).status).toBe(404); // no draft
    expect((await api(admin, 'PUT', '/flows/bad%23id/draft', demo)).status).toBe(400);
    const notJson = await fetch(`${webUrl}/api/v1/flows/shop/draft`, {
      method: 'PUT',
      headers: { authorization: admin.authorization, 'content-type': 'application/json' },
      body: '{"schemaVersion": 1,',
    });
    expect(notJson.status).toBe(400);
  });

  it('keeps tenants apart and lets only admins change flows', async () => {
    const tenantA = randomTenantId('flows');
    const adminA = await signIn(webUrl, { tenantId: tenantA, groups: ['admin'] });
    const supervisorA = await signIn(webUrl, { tenantId: tenantA, groups: ['supervisor'] });
    const agentA = await signIn(webUrl, { tenantId: tenantA, groups: ['agent'] });
    const adminB = await signIn(webUrl, { tenantId: randomTenantId('flows'), groups: ['admin'] });
    await api(adminA, 'POST', '/flows/secret/versions', { document: good('tenant A only') });

    expect((await api(adminB, 'GET', '/flows/secret')).status).toBe(404);
    expect((await api(adminB, 'GET', '/flows/secret/versions/1')).status).toBe(404);
    expect((await api(adminB, 'GET', '/flows')).body).toEqual({ flows: [] });
    // B publishing "secret" creates B's own flow; A's is untouched.
    await api(adminB, 'POST', '/flows/secret/versions', { document: good('tenant B') });
    expect((await api(adminA, 'GET', '/flows/secret')).body).toMatchObject({
      published: { document: { name: 'tenant A only' } },
    });

    expect((await api(supervisorA, 'GET', '/flows/secret')).status).toBe(200);
    expect((await api(supervisorA, 'POST', '/flows/secret/versions', { document: good('x') })).status).toBe(
      403,
    );
    expect((await api(agentA, 'GET', '/flows/secret')).status).toBe(403);
    expect((await api(undefined, 'GET', '/flows/secret')).status).toBe(401);
  });
});
