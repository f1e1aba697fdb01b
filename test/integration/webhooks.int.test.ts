/**
 * Webhooks against the local cloud: a tenant's endpoints (a receiver on loopback, which the local cloud's
 * operator settings allow over plain http) get its call's events — offered, answered, ended — once each
 * (in any order; their occurredAt orders them), signed with the tenant's secret; an endpoint that fails is retried with backoff until it takes
 * the event, and its delivery log says so; the events of one tenant never reach another's endpoints.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/contact-center.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

let receiver: Server;
let base: string;
const received: Received[] = [];
let flakyLeft = 1;
let rig: DeskRig;
let bystander: DeskRig;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      if (path === '/flaky' && flakyLeft-- > 0) return res.writeHead(500).end('not yet');
      if (path === '/down') return res.writeHead(503).end();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  [rig, bystander] = await Promise.all([
    deskRig(cloud, {
      name: 'hooks',
      queues: { sales: { name: 'Sales', acwSeconds: null } },
      agents: 1,
      firstCaller: 7100,
    }),
    deskRig(cloud, {
      name: 'hooks-other',
      queues: { sales: { name: 'Sales', acwSeconds: null } },
      agents: 1,
      firstCaller: 7200,
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([rig?.close(), bystander?.close()]);
  receiver?.close();
});

const verify = (secret: string, r: Received): boolean => {
  const [t, v1] = String(r.headers['openline-signature'])
    .split(',')
    .map((p) => p.split('=')[1]);
  const expected = createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex');
  return v1 === expected && Math.abs(Date.now() / 1000 - Number(t)) < 300;
};

describe('webhooks', () => {
  it('delivers a call’s events once each, signed, and retries an endpoint until it takes them', async () => {
    const admin = rig.center.admin;
    const all = await api(webUrl, admin, 'POST', '/webhooks', {
      url: `${base}/all`,
      events: ['call.offered', 'call.answered', 'call.ended'],
      description: 'CRM',
    });
    expect(all.status).toBe(201);
    const secret = all.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const flaky = await api(webUrl, admin, 'POST', '/webhooks', {
      url: `${base}/flaky`,
      events: ['call.ended'],
    });
    expect(flaky.status).toBe(201);
    expect(flaky.body.secret).toBeUndefined(); // one secret per tenant, given with its first endpoint
    // The other tenant listens too, on its own path: it must hear nothing of this call.
    expect(
      (
        await api(webUrl, bystander.center.admin, 'POST', '/webhooks', {
          url: `${base}/other`,
          events: ['call.ended'],
        })
      ).status,
    ).toBe(201);

    const [desk] = rig.desks;
    await rig.onlyReady(desk as NonNullable<typeof desk>);
    const { caller, callId } = await rig.connectedTo(desk as NonNullable<typeof desk>);
    caller.hangup();

    await expect.poll(() => received.filter((r) => r.path === '/all').length, { timeout: 15_000 }).toBe(3);
    // Deliveries are sent in parallel and retried, so they may arrive in any order: occurredAt orders them.
    const mine = received
      .filter((r) => r.path === '/all')
      .sort((a, b) => (JSON.parse(a.body).occurredAt < JSON.parse(b.body).occurredAt ? -1 : 1));
    expect(mine.map((r) => r.headers['openline-event-type'])).toEqual([
      'call.offered',
      'call.answered',
      'call.ended',
    ]);
    for (const r of mine) {
      expect(verify(secret, r), 'signature').toBe(true);
      const body = JSON.parse(r.body) as { id: string; tenantId: string; data: { callId: string } };
      expect(body.tenantId).toBe(rig.tenant.tenant);
      expect(body.data.callId).toBe(callId);
      expect(r.headers['openline-event-id']).toBe(body.id);
    }
    // The flaky endpoint refused once and took the retry about two seconds later.
    await expect.poll(() => received.filter((r) => r.path === '/flaky').length, { timeout: 15_000 }).toBe(2);
    const [first, second] = received.filter((r) => r.path === '/flaky') as [Received, Received];
    expect(second.at - first.at).toBeGreaterThanOrEqual(1_500);
    expect(second.headers['openline-delivery-attempt']).toBe('2');
    expect(second.headers['openline-event-id']).toBe(first.headers['openline-event-id']);
    const log = await api(webUrl, admin, 'GET', `/webhooks/${flaky.body.webhookId}/deliveries`);
    expect(log.body.deliveries).toEqual([
      expect.objectContaining({
        eventType: 'call.ended',
        status: 'delivered',
        attempts: 2,
        lastStatusCode: 204,
      }),
    ]);
    // Nothing more arrives (no duplicates), and nothing reached the other tenant's endpoint.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received.filter((r) => r.path === '/all')).toHaveLength(3);
    expect(received.filter((r) => r.path === '/other')).toHaveLength(0);
  });

  it('logs a failing endpoint’s attempts with the next one, and keeps endpoints and logs to their tenant', async () => {
    const admin = rig.center.admin;
    const down = await api(webUrl, admin, 'POST', '/webhooks', {
      url: `${base}/down`,
      events: ['call.ended'],
    });
    const [desk] = rig.desks;
    await rig.onlyReady(desk as NonNullable<typeof desk>);
    const { caller } = await rig.connectedTo(desk as NonNullable<typeof desk>);
    caller.hangup();
    await expect.poll(() => received.filter((r) => r.path === '/down').length, { timeout: 15_000 }).toBe(2);
    const log = await api(webUrl, admin, 'GET', `/webhooks/${down.body.webhookId}/deliveries`);
    const [entry] = log.body.deliveries as Record<string, unknown>[];
    expect(entry).toMatchObject({ status: 'pending', lastStatusCode: 503, lastError: 'http 503' });
    expect(Number(entry?.attempts)).toBeGreaterThanOrEqual(2);
    expect(Date.parse(String(entry?.nextAttemptAt))).toBeGreaterThan(Date.now());

    const other = bystander.center.admin;
    expect((await api(webUrl, other, 'GET', `/webhooks/${down.body.webhookId}/deliveries`)).status).toBe(404);
    expect((await api(webUrl, other, 'DELETE', `/webhooks/${down.body.webhookId}`)).status).toBe(404);
    expect(JSON.stringify((await api(webUrl, other, 'GET', '/webhooks')).body)).not.toContain('/down');
    expect((await api(webUrl, admin, 'DELETE', `/webhooks/${down.body.webhookId}`)).status).toBe(200);

    // Bad endpoints are refused with the reason, and nothing is added.
    for (const body of [
      { url: 'http://example.com/hook', events: ['call.ended'] },
      { url: 'https://user:pass@example.com/hook', events: ['call.ended'] },
      { url: 'ftp://example.com', events: ['call.ended'] },
      { url: `${base}/x`, events: [] },
      { url: `${base}/x`, events: ['call.exploded'] },
      { url: `${base}/x`, events: ['call.ended'], secret: 'mine' },
    ])
      expect((await api(webUrl, admin, 'POST', '/webhooks', body)).status, JSON.stringify(body)).toBe(400);
    const listed = (await api(webUrl, admin, 'GET', '/webhooks')).body.webhooks as unknown[];
    expect(listed).toHaveLength(2);
    const rotated = await api(webUrl, admin, 'POST', '/webhooks/secret');
    expect(rotated.body.secret).toMatch(/^whsec_/);
  });
});
