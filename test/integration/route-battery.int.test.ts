/**
 * Every HTTP route of functions/routes.ts, against the local cloud, in two batteries:
 * - isolation: users of two other tenants (admin, supervisor, agent each) call every route with tenant B's
 *   ids in the path (its flow, queue, agent, call); no answer carries B's data, and B is unchanged after;
 * - malformed input: every route gets bodies and path parameters that are not what it takes (not JSON,
 *   wrong types, huge strings, unknown fields, injection strings); none answers 5xx, every 4xx says why,
 *   and the caller's own tenant is unchanged after.
 * The routes come from the route table itself, so a route added later is covered without a word here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../functions/routes.ts';
import { API_SCOPES } from '../../layers/domain/tenancy/api-keys.ts';
import type { TestUser } from '../support/auth.ts';
import { api, type TestContactCenter, type TestDesk } from '../support/contact-center.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;

/** Words only tenant B's data contains: an answer to anyone else that holds one of them leaked. */
const B_MARKERS = [
  'B-private-queue',
  'B private flow',
  'B-Agent-Secret',
  '+14255557777',
  'B-private-hook',
  // The caller of B's recorded call.
  '+14255555001',
];

let victim: DeskRig;
let attackers: DeskRig[];
let bCallId: string;
let bRecordedCallId: string;
let bCode: string;
let bOrderId: string;
let bKeyId: string;
let bWebhookId: string;
let bUserId: string;
const routes = httpRoutes.filter((r) => r.auth !== 'none');

beforeAll(async () => {
  victim = await deskRig(cloud, {
    name: 'iso-b',
    queues: { sales: { name: 'B-private-queue', acwSeconds: null, record: true } },
    agents: 1,
    firstCaller: 5000,
    flow: {
      schemaVersion: 1,
      name: 'B private flow',
      languages: ['en-US'],
      start: 'q',
      nodes: { q: { type: 'enqueue', queue: 'sales' } },
    },
  });
  // One after the other: each orders a number, and two orders at once would race for the same one.
  attackers = [];
  for (const [i, name] of ['iso-a', 'iso-c'].entries())
    attackers.push(
      await deskRig(cloud, {
        name,
        queues: { sales: { name: 'Sales', acwSeconds: null } },
        agents: 1,
        firstCaller: 5100 + i * 100,
      }),
    );

  const [bAgent] = victim.center.agents as [TestContactCenter['agents'][number]];
  const named = await api(webUrl, victim.center.admin, 'PUT', `/agents/${bAgent.agentId}`, {
    name: 'B-Agent-Secret',
    queues: { sales: 1 },
  });
  expect(named.status).toBe(200);
  // B holds an extension code on the shared access number.
  const claimed = await api(webUrl, victim.center.admin, 'POST', '/extensions', {});
  expect(claimed.status).toBe(201);
  bCode = (claimed.body as { code: string }).code;
  // …and a number order (for an area code with no numbers: it fails, and B's numbers stay as they are).
  const ordered = await api(webUrl, victim.center.admin, 'POST', '/numbers', { areaCode: '503' });
  expect(ordered.status).toBe(202);
  bOrderId = (ordered.body as { orderId: string }).orderId;
  // …and an API key.
  const key = await api(webUrl, victim.center.admin, 'POST', '/api-keys', {
    name: 'B key',
    scopes: ['flows:read'],
  });
  expect(key.status).toBe(201);
  bKeyId = (key.body as { keyId: string }).keyId;
  // …and a webhook endpoint.
  const hook = await api(webUrl, victim.center.admin, 'POST', '/webhooks', {
    url: 'https://example.invalid/B-private-hook',
    events: ['call.ended'],
  });
  expect(hook.status).toBe(201);
  bWebhookId = (hook.body as { webhookId: string }).webhookId;
  // …and an invited user.
  const invited = await api(webUrl, victim.center.admin, 'POST', '/users', {
    email: `b-user-${Date.now()}@battery.test`,
    groups: ['agent'],
  });
  expect(invited.status).toBe(201);
  bUserId = (invited.body as { userId: string }).userId;
});

afterAll(async () => {
  await Promise.all([victim, ...(attackers ?? [])].map((rig) => rig?.close()));
});

/** The route's path with its parameters filled in. */
function pathOf(routeKey: string, values: Record<string, string>): { method: string; path: string } {
  const [method, template] = routeKey.split(' ') as [string, string];
  const path = template
    .replace(/^\/api\/v1/, '')
    .replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
  return { method, path };
}

/** What B looks like to B's own admin: compared before and after each battery. */
async function snapshot(rig: DeskRig) {
  const admin = rig.center.admin;
  const [desk] = rig.desks as [TestDesk];
  const read = async (path: string) => (await api(webUrl, admin, 'GET', path)).body;
  const state = await desk.state();
  return {
    flows: await read('/flows'),
    flow: await read('/flows/main'),
    queues: await read('/queues'),
    reasons: await read('/reason-codes'),
    dispositions: await read('/disposition-codes'),
    callbacks: await read('/callbacks'),
    extensions: await read('/extensions'),
    numbers: await read('/numbers'),
    apiKeys: await read('/api-keys'),
    webhooks: await read('/webhooks'),
    users: await read('/users'),
    recording: ((await read(`/recordings/${bRecordedCallId}`)) as { recording?: unknown }).recording,
    recordingSettings: await read('/recording-settings'),
    agent: {
      status: state.status,
      reason: state.reason,
      call: (state.call as { callId?: string } | undefined)?.callId,
    },
  };
}

/** Query strings that make a route run in full (a report over B's days, a search for B's caller). */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const plausibleQuery: Record<string, string> = {
  'GET /api/v1/reports/{name}': `?from=${day(-1)}&to=${day(1)}`,
  'GET /api/v1/recordings': '?caller=%2B14255555001',
};

/** A body each route could take (so that a refusal is about the tenant, not the shape). */
const plausibleBody: Record<string, unknown> = {
  'POST /api/v1/flows/validate': { schemaVersion: 1 },
  'PUT /api/v1/flows/{flowId}/draft': {
    schemaVersion: 1,
    name: 'x',
    languages: ['en-US'],
    start: 'h',
    nodes: { h: { type: 'hangup' } },
  },
  'POST /api/v1/flows/{flowId}/versions': {},
  'POST /api/v1/flows/{flowId}/rollback': { version: 1 },
  'PUT /api/v1/queues/{queueId}': { name: 'Taken over' },
  'PUT /api/v1/agents/{agentId}': { name: 'Taken over', queues: { sales: 1 } },
  'PUT /api/v1/agents/{agentId}/state': { status: 'offline' },
  'POST /api/v1/agents/{agentId}/monitor': { mode: 'listen' },
  'PUT /api/v1/agent/state': { status: 'available' },
  'POST /api/v1/agent/call/transfer': { to: { agentId: 'x' } },
  'POST /api/v1/agent/call/consult': { to: { agentId: 'x' } },
  'PUT /api/v1/agent/call/mute': { muted: true },
  'POST /api/v1/agent/call/digits': { digits: '1' },
  'POST /api/v1/agent/wrap-up': { code: 'resolved' },
  'PUT /api/v1/reason-codes': { codes: [{ code: 'x', label: 'X' }] },
  'PUT /api/v1/disposition-codes': { codes: [{ code: 'x', label: 'X' }] },
  'POST /api/v1/api-keys': { name: 'Mine', scopes: ['flows:read'] },
  'POST /api/v1/webhooks': { url: 'https://example.invalid/mine', events: ['call.ended'] },
  'POST /api/v1/users': { email: 'new-hire@battery.test', groups: ['agent'] },
  'PUT /api/v1/users/{userId}/groups': { groups: ['admin'] },
  // Accepted, then it fails (no numbers there): the attacker's own numbers do not change under the batteries.
  'POST /api/v1/numbers': { areaCode: '503' },
  'PUT /api/v1/recordings/{callId}/legal-hold': { hold: true },
  'PUT /api/v1/recording-settings': { months: 1 },
  'POST /api/v1/agent/call/recording': { paused: true },
};

describe('every route', () => {
  it('starts with B’s data: a finished recorded call, and a call in progress', async () => {
    // B has a finished, recorded call (a row in its reports, a recording in its index)…
    const [bDesk] = victim.desks as [TestDesk];
    await victim.onlyReady(bDesk);
    const recorded = await victim.connectedTo(bDesk);
    recorded.caller.hangup();
    await expect.poll(async () => (await bDesk.state()).status, { timeout: 10_000 }).toBe('after-call');
    expect((await bDesk.call('POST', '/agent/wrap-up', { code: 'resolved' })).status).toBe(200);
    bRecordedCallId = recorded.callId;
    await expect
      .poll(
        async () => (await api(webUrl, victim.center.admin, 'GET', `/recordings/${bRecordedCallId}`)).status,
        {
          timeout: 20_000,
        },
      )
      .toBe(200);
    // …and a call in progress: its caller is on the line with B's agent.
    expect((await bDesk.call('PUT', '/agent/state', { status: 'available' })).status).toBe(200);
    await victim.phones.dial('+14255557777', victim.tenant.number);
    const offer = await bDesk.nextOffer();
    expect((await bDesk.call('POST', `/agent/calls/${offer.callId}/accept`)).status).toBe(200);
    bCallId = offer.callId;
  });

  it('keeps tenant B’s data from the users of two other tenants, whatever B ids they send', async () => {
    const before = await snapshot(victim);
    const [bAgent] = victim.center.agents as [TestContactCenter['agents'][number]];
    const ids = {
      flowId: 'main',
      version: '1',
      queueId: 'sales',
      agentId: bAgent.agentId,
      callId: bCallId,
      code: bCode,
      number: victim.tenant.number,
      orderId: bOrderId,
      keyId: bKeyId,
      webhookId: bWebhookId,
      userId: bUserId,
      name: 'inbound-detail',
    };
    const leaks: string[] = [];
    for (const rig of attackers) {
      // The attacker's users, and an API key of the attacker's holding every scope.
      const made = await api(webUrl, rig.center.admin, 'POST', '/api-keys', {
        name: 'Attacker',
        scopes: API_SCOPES,
      });
      expect(made.status).toBe(201);
      const keyUser = {
        ...rig.center.admin,
        groups: ['apikey'],
        authorization: `Bearer ${(made.body as { key: string }).key}`,
      } as unknown as TestUser;
      const users: TestUser[] = [rig.center.admin, rig.center.supervisor, ...rig.center.agents, keyUser];
      for (const user of users)
        for (const route of routes) {
          const { method, path } = pathOf(route.routeKey, {
            ...ids,
            // Recordings are of ended calls: B's recorded one.
            ...(route.routeKey.includes('/recordings/') ? { callId: bRecordedCallId } : {}),
          });
          // Logging out would only end the attacker's own session; it is left for last, below.
          if (route.routeKey.endsWith('/agent/session') && method === 'DELETE') continue;
          const answer = await api(
            webUrl,
            user,
            method,
            `${path}${plausibleQuery[route.routeKey] ?? ''}`,
            plausibleBody[route.routeKey],
          );
          const text = JSON.stringify(answer.body);
          if (answer.status >= 500)
            leaks.push(`${route.routeKey} as ${user.groups.join('+')}: ${answer.status} ${text}`);
          for (const marker of B_MARKERS)
            if (
              text.includes(marker) ||
              text.includes(bRecordedCallId) ||
              text.includes(victim.tenant.tenant) ||
              text.includes(victim.tenant.number)
            )
              leaks.push(
                `${route.routeKey} as ${user.groups.join('+')} answered B's data: ${text.slice(0, 200)}`,
              );
        }
    }
    expect(leaks).toEqual([]);
    expect(await snapshot(victim)).toEqual(before);
  });

  it('answers bad bodies and parameters with a 4xx that says why, never a 5xx, and changes nothing', async () => {
    const rig = attackers[0] as DeskRig;
    const before = await snapshot(rig);
    const huge = 'x'.repeat(200_000);
    const bodies: (string | unknown)[] = [
      'not json at all',
      '[]',
      'null',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      { name: 12345, status: ['available'], to: { number: { $ne: null } }, codes: 'all' },
      { name: huge, notes: huge, digits: huge, reason: huge },
      { id: "' OR '1'='1", reason: '<script>alert(1)</script>', to: { queueId: '../../etc/passwd' } },
      { unexpected: true, extra: { deeply: { nested: [1, 2, 3] } } },
    ];
    const params = ['..%2F..%2Fetc', 'x'.repeat(300), "'%20OR%20'1'='1", '%00', 'T%23other%23AGENT'];
    const failures: string[] = [];
    // An admin (also a supervisor's rights) and an agent between them reach every route's handler.
    const users: TestUser[] = [rig.center.admin, ...rig.center.agents];
    for (const route of routes) {
      if (route.routeKey.endsWith('/agent/session')) continue; // logging in and out is not about its body
      const [method, template] = route.routeKey.split(' ') as [string, string];
      const paths = template.includes('{')
        ? params.map((p) => template.replace(/^\/api\/v1/, '').replace(/\{\w+\}/g, p))
        : [template.replace(/^\/api\/v1/, '')];
      for (const user of users)
        for (const path of paths)
          for (const body of method === 'GET' ? [undefined] : bodies) {
            const response = await fetch(`${webUrl}/api/v1${path}`, {
              method,
              headers: { authorization: user.authorization, 'content-type': 'application/json' },
              ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
            });
            const text = await response.text();
            const where = `${method} ${path.slice(0, 60)} as ${user.groups.join('+')} with ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 60)}`;
            if (response.status >= 500) failures.push(`${where}: ${response.status} ${text.slice(0, 200)}`);
            else if (response.status >= 400) {
              const message = (JSON.parse(text || '{}') as { message?: unknown }).message;
              if (typeof message !== 'string' || message.length === 0)
                failures.push(`${where}: ${response.status} without a message`);
            }
          }
    }
    expect(failures).toEqual([]);
    expect(await snapshot(rig)).toEqual(before);
  });
});
