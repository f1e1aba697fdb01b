/**
 * The WebSocket API of functions/routes.ts, against the local cloud, as the HTTP route battery does for
 * routes: tokens that are not a genuine issuer's (another key, a payload changed to another tenant) never
 * open a connection; on an open connection, every action and every malformed message — carrying tenant B's
 * ids — is answered to the sender alone, with nothing of B's, while B's own sockets hear nothing of it. The
 * claim checks (audience, expiry) are the HTTP API's authoriser's, tested in auth.int.test.ts.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { websocketRoutes } from '../../functions/routes.ts';
import { decodeJwt, generateSigningKey, signJwt } from '../../infra/local/jwt.ts';
import {
  api,
  contactCenter,
  type LiveSocket,
  openLiveSocket,
  type TestContactCenter,
} from '../support/contact-center.ts';
import { localCloud } from '../support/local-cloud.ts';

const { webUrl } = localCloud();
const wsUrl = `${webUrl.replace(/^http/, 'ws')}/ws`;
let a: TestContactCenter;
let b: TestContactCenter;
const open: LiveSocket[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([
    contactCenter(webUrl, { queues: { sales: { name: 'A sales' } }, agents: 1 }),
    contactCenter(webUrl, { queues: { sales: { name: 'B-private-queue' } }, agents: 1 }),
  ]);
});
afterAll(() => {
  for (const socket of open) socket.close();
});

/** Whether the gateway lets a token open a connection (a refusal is an HTTP 401 on the upgrade). */
function opens(token: string): Promise<boolean | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`);
    socket.once('open', () => {
      socket.close();
      resolve(true);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => resolve(false));
  });
}

describe('the WebSocket API', () => {
  it('opens only for genuine tokens: not another key’s, not one changed to another tenant', async () => {
    const agent = a.agents[0] as TestContactCenter['agents'][number];
    expect(await opens(agent.idToken)).toBe(true);
    const genuine = decodeJwt(agent.idToken);
    const [header, , signature] = agent.idToken.split('.');
    const movedPayload = Buffer.from(
      JSON.stringify({ ...genuine.payload, 'custom:tenant_id': b.tenantId, 'cognito:groups': ['admin'] }),
    ).toString('base64url');
    const other = await generateSigningKey();
    for (const forged of [
      `${header}.${movedPayload}.${signature}`,
      signJwt(genuine.payload, { ...other, kid: genuine.header.kid as string }),
      signJwt({ ...genuine.payload, 'custom:tenant_id': b.tenantId }, other),
      'not-a-token',
      '',
    ])
      expect(await opens(forged)).toBe(401);
  });

  it('answers every action and malformed message to the sender alone, never with B’s data', async () => {
    const bAgent = b.agents[0] as TestContactCenter['agents'][number];
    const bSupervisor = await openLiveSocket(webUrl, b.supervisor);
    const bAgentSocket = await openLiveSocket(webUrl, bAgent);
    open.push(bSupervisor, bAgentSocket);
    const actions = websocketRoutes
      .map((r) => r.routeKey)
      .filter((k) => !k.startsWith('$'))
      .concat(['dance', '__proto__', 'constructor']);
    const bIds = { tenantId: b.tenantId, agentId: bAgent.agentId, queueId: 'sales', callId: 'x' };
    const messages: string[] = [
      ...actions.map((action) => JSON.stringify({ action, requestId: `r-${action}`, ...bIds })),
      'not json',
      '[]',
      'null',
      JSON.stringify({ action: { $ne: null }, ...bIds }),
      JSON.stringify({ action: 'ping', requestId: 'x'.repeat(20_000) }),
    ];
    // Each of A's users (admin, supervisor, agent) sends every message on a connection of its own.
    const replies: string[] = [];
    for (const user of [a.admin, a.supervisor, ...a.agents]) {
      const socket = new WebSocket(`${wsUrl}?token=${encodeURIComponent(user.idToken)}`);
      socket.on('message', (data) => replies.push(data.toString()));
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      for (const message of messages) socket.send(message);
      const deadline = Date.now() + 5_000;
      const expected = replies.length + messages.length;
      while (replies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      socket.close();
    }
    expect(replies).toHaveLength(messages.length * (2 + a.agents.length));
    const types = new Set(replies.map((r) => (JSON.parse(r) as { type: string }).type));
    expect([...types].sort()).toEqual(['error', 'pong']);
    for (const reply of replies) {
      expect(reply).not.toContain(b.tenantId);
      expect(reply).not.toContain('B-private-queue');
      expect(reply.length).toBeLessThan(25_000);
    }
    // B's own sockets heard nothing of it, and B is unchanged.
    await new Promise((r) => setTimeout(r, 500));
    expect(bSupervisor.events).toEqual([]);
    expect(bAgentSocket.events).toEqual([]);
    expect((await api(webUrl, b.admin, 'GET', '/queues')).body).toMatchObject({
      queues: [{ queueId: 'sales', config: { name: 'B-private-queue' } }],
    });
  });
});
