/**
 * The call distributor against DynamoDB Local, one scenario at a time: reservation of the best agent,
 * accept, decline (back to the head, never re-offered to the decliner), a missed offer, hang-ups at every
 * stage, a full queue, ring-all's first accept, and reads that stay bounded with many agents logged in.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbQueueDirectory } from '../../layers/adapters/dynamodb-queue-directory.ts';
import { DynamoDbRoutingStore } from '../../layers/adapters/dynamodb-routing-store.ts';
import {
  acceptConsultation,
  offerConsultation,
  returnConsultation,
} from '../../layers/domain/routing/consult.ts';
import {
  acceptOffer,
  assignQueue,
  changeAgentState,
  endRouting,
  enqueueCall,
  type RoutingPorts,
  returnOffer,
  transferToQueue,
} from '../../layers/domain/routing/dispatch.ts';
import { parseQueueConfig } from '../../layers/domain/routing/queue-config.ts';
import type { RoutingStore } from '../../layers/domain/routing/routing-store.ts';
import { hintFor } from '../../layers/domain/routing/strategies.ts';
import { type SweepStore, sweep, type WaitingCallers } from '../../layers/domain/routing/sweep.ts';
import { type TenantId, tenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { localCloud } from '../support/local-cloud.ts';

const { clients, config } = localCloud();

async function setUp(queue: Record<string, unknown>, agents: number, store?: RoutingStore) {
  const tenant = tenantId(`route-${randomUUID().slice(0, 8)}`);
  const queues = new DynamoDbQueueDirectory(clients.documents, config.tables.config);
  await queues.putQueue(tenant, 'q', parseQueueConfig({ name: 'Q', ...queue }));
  let clock = Date.parse('2026-11-24T12:00:00Z');
  const ports: RoutingPorts = {
    store: store ?? new DynamoDbRoutingStore(clients.documents, config.tables.live),
    queues,
    now: () => new Date(clock),
  };
  const tick = (seconds: number) => {
    clock += seconds * 1000;
  };
  const ids = Array.from({ length: agents }, (_, i) => `agent-${String(i).padStart(4, '0')}`);
  for (const id of ids) {
    await changeAgentState(ports, tenant, id, { kind: 'login', skills: { billing: 3 }, queues: { q: 1 } });
    tick(1);
    await changeAgentState(ports, tenant, id, { kind: 'ready' });
  }
  return { tenant, ports, tick, ids };
}

async function newCall(
  tenant: TenantId,
  ports: RoutingPorts,
  priority = 0,
  skills: Record<string, number> = {},
) {
  const callId = randomUUID();
  await clients.documents.send(
    new PutCommand({
      TableName: config.tables.live,
      Item: { ...liveKeys.call(tenant, callId), type: 'call', status: 'ivr' },
    }),
  );
  const entry = {
    queueId: 'q',
    callId,
    priority,
    enqueuedAt: ports.now().toISOString(),
    skills,
    declinedBy: [],
  };
  return { callId, outcome: await enqueueCall(ports, tenant, entry) };
}

/**
 * The carrier side of the sweeper, recorded: these calls exist only in routing (no SMA runs them); the
 * end-to-end tests check what callers hear.
 */
function carrierLog() {
  const sent: { action: string; callId: string; detail: unknown }[] = [];
  const port: WaitingCallers = {
    announce: async (_tenant, callId, announcement) => {
      sent.push({ action: 'announce', callId, detail: announcement });
      return 'ok';
    },
    overflow: async (_tenant, callId, queueId) => {
      sent.push({ action: 'overflow', callId, detail: queueId });
      return 'ok';
    },
  };
  return { sent, port };
}

const stateOf = async (ports: RoutingPorts, tenant: TenantId, agentId: string) =>
  (await ports.store.agent(tenant, agentId))?.state;

describe('the call distributor', () => {
  it('reserves the longest-idle agent, connects on accept, and sends it to wrap-up when the call ends', async () => {
    const { tenant, ports, tick, ids } = await setUp({ acwSeconds: 20 }, 3);
    tick(5);
    const { callId, outcome } = await newCall(tenant, ports);
    expect(outcome).toBe('queued');
    expect(await ports.store.callRouting(tenant, callId)).toMatchObject({
      state: 'offered',
      agentId: ids[0],
      version: 2,
    });
    expect(await stateOf(ports, tenant, ids[0] as string)).toMatchObject({
      status: 'reserved',
      call: { callId },
    });
    expect(await ports.store.queueLength(tenant, 'q', 10)).toBe(0);
    // The reserved agent's hint is gone: the next call goes to the next agent.
    const second = await newCall(tenant, ports);
    expect(await ports.store.callRouting(tenant, second.callId)).toMatchObject({ agentId: ids[1] });

    tick(3);
    await acceptOffer(ports, tenant, ids[0] as string, callId);
    expect(await ports.store.callRouting(tenant, callId)).toMatchObject({ state: 'connected', version: 3 });
    tick(60);
    await endRouting(ports, tenant, callId, 'gone');
    expect(await stateOf(ports, tenant, ids[0] as string)).toMatchObject({
      status: 'after-call',
      callsAnswered: 1,
      talkMs: 60_000,
    });
    expect(await ports.store.callRouting(tenant, callId)).toMatchObject({ state: 'gone', agentId: ids[0] });
    await changeAgentState(ports, tenant, ids[0] as string, { kind: 'end-wrap-up' });
    expect(await stateOf(ports, tenant, ids[0] as string)).toMatchObject({ status: 'available' });
    // Ending a call twice changes nothing.
    await endRouting(ports, tenant, callId, 'gone');
    expect(await ports.store.callRouting(tenant, callId)).toMatchObject({ version: 4 });
  });

  it('puts a declined call back at the head, never offers it to the decliner again, and makes a miss not-ready', async () => {
    const { tenant, ports, tick, ids } = await setUp({}, 2);
    const [a, b] = ids as [string, string];
    await changeAgentState(ports, tenant, b, { kind: 'not-ready', reason: 'break' });
    const first = await newCall(tenant, ports);
    tick(1);
    const later = await newCall(tenant, ports);
    expect(await ports.store.callRouting(tenant, first.callId)).toMatchObject({
      state: 'offered',
      agentId: a,
    });
    expect(await ports.store.callRouting(tenant, later.callId)).toMatchObject({ state: 'waiting' });

    await returnOffer(ports, tenant, a, first.callId, 'decline');
    // a is available again, but the first call is not for a: a gets the later one; the first keeps its place.
    expect(await ports.store.callRouting(tenant, later.callId)).toMatchObject({
      state: 'offered',
      agentId: a,
    });
    const head = await ports.store.queueHead(tenant, 'q', 10);
    expect(head.map((h) => [h.entry.callId, h.entry.declinedBy])).toEqual([[first.callId, [a]]]);

    await changeAgentState(ports, tenant, b, { kind: 'ready' });
    expect(await ports.store.callRouting(tenant, first.callId)).toMatchObject({
      state: 'offered',
      agentId: b,
    });
    await returnOffer(ports, tenant, b, first.callId, 'miss');
    expect(await stateOf(ports, tenant, b)).toMatchObject({
      status: 'not-ready',
      reason: 'missed',
      missed: 1,
    });
    await expect(acceptOffer(ports, tenant, b, first.callId)).rejects.toThrow(/not offered to agent/);
  });

  it('releases the agent whatever the moment the caller hangs up', async () => {
    const { tenant, ports, ids } = await setUp({}, 1);
    const [a] = ids as [string];
    const offered = await newCall(tenant, ports);
    const waiting = await newCall(tenant, ports);
    expect(await ports.store.queueLength(tenant, 'q', 10)).toBe(1);
    await endRouting(ports, tenant, waiting.callId, 'gone');
    expect(await ports.store.queueLength(tenant, 'q', 10)).toBe(0);

    await endRouting(ports, tenant, offered.callId, 'gone'); // hung up while it rang
    expect(await stateOf(ports, tenant, a)).toMatchObject({ status: 'available', callsAnswered: 0 });
    const talking = await newCall(tenant, ports);
    await acceptOffer(ports, tenant, a, talking.callId);
    await endRouting(ports, tenant, talking.callId, 'gone');
    expect(await stateOf(ports, tenant, a)).toMatchObject({ status: 'after-call', callsAnswered: 1 });
  });

  it('refuses callers beyond the maximum size, and queues a call only once', async () => {
    const { tenant, ports } = await setUp({ maxSize: 2 }, 0);
    const [one, two, three] = [
      await newCall(tenant, ports),
      await newCall(tenant, ports),
      await newCall(tenant, ports),
    ];
    expect([one.outcome, two.outcome, three.outcome]).toEqual(['queued', 'queued', 'full']);
    const again = await enqueueCall(ports, tenant, {
      queueId: 'q',
      callId: one.callId,
      priority: 0,
      enqueuedAt: ports.now().toISOString(),
      skills: {},
      declinedBy: [],
    });
    expect(again).toBe('already-queued');
  });

  it('rings every agent of a ring-all queue; the first to accept takes the call and the others are too late', async () => {
    const { tenant, ports, ids } = await setUp({ strategy: 'ring-all' }, 3);
    const { callId } = await newCall(tenant, ports);
    const offers = await assignQueue(ports, tenant, 'q');
    expect(offers).toEqual([
      expect.objectContaining({ ringAll: true, agentIds: expect.arrayContaining(ids) }),
    ]);
    const results = await Promise.allSettled(ids.map((id) => acceptOffer(ports, tenant, id, callId)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const routing = await ports.store.callRouting(tenant, callId);
    expect(routing).toMatchObject({ state: 'connected' });
    const states = await Promise.all(ids.map((id) => stateOf(ports, tenant, id)));
    expect(states.filter((s) => s?.status === 'on-call')).toHaveLength(1);
    expect(states.filter((s) => s?.status === 'available')).toHaveLength(2);
  });

  it('picks an agent with a bounded number of reads however many agents wait', async () => {
    const { tenant, ports } = await setUp({}, 120);
    let itemsRead = 0;
    const counting = ports.store;
    const store: RoutingStore = Object.assign(Object.create(Object.getPrototypeOf(counting)), counting, {
      queueHead: async (...args: Parameters<RoutingStore['queueHead']>) => {
        const r = await counting.queueHead(...args);
        itemsRead += r.length;
        return r;
      },
      candidates: async (...args: Parameters<RoutingStore['candidates']>) => {
        const r = await counting.candidates(...args);
        itemsRead += r.length;
        return r;
      },
      agent: async (...args: Parameters<RoutingStore['agent']>) => {
        itemsRead += 1;
        return counting.agent(...args);
      },
    });
    const { callId } = await newCall(tenant, { ...ports, store });
    expect(await ports.store.callRouting(tenant, callId)).toMatchObject({ state: 'offered' });
    // One queue-head item, one page of hints (25), one agent read: not 120.
    expect(itemsRead).toBeLessThanOrEqual(1 + 25 + 1);
  });

  it('sweeps: an offer left ringing is returned (agent missed), timed wrap-up ends, and a missed meeting is made', async () => {
    const { tenant, ports, tick, ids } = await setUp({ ringTimeoutSeconds: 5, acwSeconds: 10 }, 1);
    const [a] = ids as [string];
    const sweeper = { ...ports, sweeps: ports.store as unknown as SweepStore, waiting: carrierLog().port };
    const first = await newCall(tenant, ports);
    expect(await ports.store.callRouting(tenant, first.callId)).toMatchObject({
      state: 'offered',
      agentId: a,
    });
    tick(3);
    expect(await sweep(sweeper)).toMatchObject({ missed: 0 });
    tick(3);
    expect(await sweep(sweeper)).toMatchObject({ missed: 1 });
    expect(await stateOf(ports, tenant, a)).toMatchObject({ status: 'not-ready', reason: 'missed' });
    expect(await ports.store.callRouting(tenant, first.callId)).toMatchObject({ state: 'waiting' });

    // The agent comes back; the call (which a declined-by list keeps from it) waits for someone else: a new one
    // takes the agent, and its wrap-up ends by itself.
    await changeAgentState(ports, tenant, a, { kind: 'ready' });
    const second = await newCall(tenant, ports);
    await acceptOffer(ports, tenant, a, second.callId);
    await endRouting(ports, tenant, second.callId, 'gone');
    expect(await stateOf(ports, tenant, a)).toMatchObject({ status: 'after-call' });
    tick(11);
    expect(await sweep(sweeper)).toMatchObject({ wrappedUp: 1 });
    expect(await stateOf(ports, tenant, a)).toMatchObject({ status: 'available' });

    // A caller queued without an assignment round (it raced the agent): the sweeper's round connects them.
    await changeAgentState(ports, tenant, a, { kind: 'not-ready', reason: 'break' });
    const third = randomUUID();
    await clients.documents.send(
      new PutCommand({
        TableName: config.tables.live,
        Item: { ...liveKeys.call(tenant, third), type: 'call', status: 'ivr' },
      }),
    );
    await ports.store.enqueue(tenant, {
      queueId: 'q',
      callId: third,
      priority: 0,
      enqueuedAt: ports.now().toISOString(),
      skills: {},
      declinedBy: [],
    });
    await ports.store.leave(
      tenant,
      (await ports.store.callRouting(tenant, first.callId)) as NonNullable<
        Awaited<ReturnType<RoutingStore['callRouting']>>
      >,
      'gone',
      undefined,
    );
    const stored = await ports.store.agent(tenant, a);
    const next = {
      ...(stored?.state as NonNullable<typeof stored>['state']),
      status: 'available' as const,
      version: (stored?.state.version ?? 0) + 1,
      idleSince: ports.now().toISOString(),
    };
    await ports.store.saveAgent(tenant, {
      next,
      expectedVersion: stored?.state.version ?? 0,
      removeHints: stored?.hints ?? [],
      putHints: [{ ...hintFor('longest-idle', next, 'q', {}), queueId: 'q' }],
    });
    expect(await ports.store.callRouting(tenant, third)).toMatchObject({ state: 'waiting' });
    expect(await sweep(sweeper)).toMatchObject({ offers: 1 });
    expect(await ports.store.callRouting(tenant, third)).toMatchObject({ state: 'offered', agentId: a });
  });

  it('consultations: a ringing one is withdrawn by the sweeper, two for one agent race to one winner, and a caller hanging up mid-consultation frees both agents', async () => {
    const { tenant, ports, tick, ids } = await setUp({ ringTimeoutSeconds: 5, acwSeconds: 10 }, 4);
    const [host, other, guest, spare] = ids as [string, string, string, string];
    const sweeper = { ...ports, sweeps: ports.store as unknown as SweepStore, waiting: carrierLog().port };
    /** A caller connected to `agent` (every other agent not ready meanwhile). */
    const talkingTo = async (agent: string) => {
      for (const id of ids)
        if (id !== agent && (await stateOf(ports, tenant, id))?.status === 'available')
          await changeAgentState(ports, tenant, id, { kind: 'not-ready', reason: 'test' });
      await changeAgentState(ports, tenant, agent, { kind: 'ready' });
      const { callId } = await newCall(tenant, ports);
      await acceptOffer(ports, tenant, agent, callId);
      return callId;
    };
    const first = await talkingTo(host);
    const second = await talkingTo(other);

    // Two agents consult the same free agent at once: one wins, the other is told it is not available.
    await changeAgentState(ports, tenant, guest, { kind: 'ready' });
    const raced = await Promise.allSettled([
      offerConsultation(ports, tenant, host, first, guest),
      offerConsultation(ports, tenant, other, second, guest),
    ]);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = raced[0].status === 'fulfilled' ? host : other;
    const winnerCall = winner === host ? first : second;
    expect(await stateOf(ports, tenant, guest)).toMatchObject({
      status: 'reserved',
      call: { callId: winnerCall, consultOf: winner },
    });

    // Left ringing: the sweeper withdraws it; the consulted agent missed it, the consulting one keeps the caller.
    tick(6);
    expect(await sweep(sweeper)).toMatchObject({ missed: 1 });
    expect(await stateOf(ports, tenant, guest)).toMatchObject({ status: 'not-ready', reason: 'missed' });
    const back = await stateOf(ports, tenant, winner);
    expect(back).toMatchObject({ status: 'on-call', call: { callId: winnerCall } });
    expect(back?.call?.consult).toBeUndefined();
    expect(await ports.store.callRouting(tenant, winnerCall)).toMatchObject({
      state: 'connected',
      agentId: winner,
    });
    await expect(returnConsultation(ports, tenant, guest, winnerCall, 'decline')).rejects.toThrow(
      /not consulted/,
    );

    // Answered, then the caller hangs up: both agents go to wrap-up in the one write.
    await changeAgentState(ports, tenant, spare, { kind: 'ready' });
    await offerConsultation(ports, tenant, host, first, spare);
    // While consulting, the call cannot be transferred blind (the consulted agent would be left ringing).
    await expect(transferToQueue(ports, tenant, host, first, 'q')).rejects.toThrow(/consulting/);
    const seat = { meetingId: 'm-1', attendeeId: 'a-1' };
    await acceptConsultation(ports, tenant, spare, first, seat);
    expect(await stateOf(ports, tenant, host)).toMatchObject({ call: { consult: { state: 'talking' } } });
    const left: unknown[] = [];
    await endRouting(
      { ...ports, consultLeft: async (_t, leftover) => void left.push(leftover) },
      tenant,
      first,
      'gone',
    );
    expect(await stateOf(ports, tenant, host)).toMatchObject({ status: 'after-call' });
    expect(await stateOf(ports, tenant, spare)).toMatchObject({
      status: 'after-call',
      call: { callId: first },
    });
    expect(left).toEqual([{ callId: first, guestSeat: seat }]);
  });

  it('counts a call for its queue once, though a transfer brings it back and another agent answers it', async () => {
    const { tenant, ports, tick, ids } = await setUp({}, 2);
    const [a, b] = ids as [string, string];
    const since = ports.now();
    const { callId } = await newCall(tenant, ports);
    const offeredTo = (await ports.store.callRouting(tenant, callId)) as { agentId: string };
    await acceptOffer(ports, tenant, offeredTo.agentId, callId);
    tick(5);
    await transferToQueue(ports, tenant, offeredTo.agentId, callId, 'q');
    const other = offeredTo.agentId === a ? b : a;
    expect(await ports.store.callRouting(tenant, callId)).toMatchObject({ state: 'offered', agentId: other });
    await acceptOffer(ports, tenant, other, callId);
    await endRouting(ports, tenant, callId, 'gone');
    const counted = await ports.store.countersBetween(tenant, 'q', since, ports.now());
    expect(counted).toMatchObject({ answered: 1, abandoned: 0 });
  });

  it('sweeps waiting callers: announces their place and expected wait, and overflows them at the maximum wait', async () => {
    const { tenant, ports, tick, ids } = await setUp({ maxWaitSeconds: 30, announceEverySeconds: 10 }, 1);
    const [a] = ids as [string];
    const carrier = carrierLog();
    const sweeper = { ...ports, sweeps: ports.store as unknown as SweepStore, waiting: carrier.port };
    // One call answered lately gives the queue an answer rate (for the expected wait).
    const answered = await newCall(tenant, ports);
    await acceptOffer(ports, tenant, a, answered.callId);
    const first = await newCall(tenant, ports);
    tick(1);
    const second = await newCall(tenant, ports);
    expect(await sweep(sweeper)).toMatchObject({ announced: 0, overflowed: 0 });

    tick(10);
    expect(await sweep(sweeper)).toMatchObject({ announced: 2, overflowed: 0 });
    expect(carrier.sent).toEqual([
      { action: 'announce', callId: first.callId, detail: { position: 1, known: 100, ewtSeconds: 900 } },
      { action: 'announce', callId: second.callId, detail: { position: 2, known: 100, ewtSeconds: 1800 } },
    ]);
    // Not again until the next interval.
    expect(await sweep(sweeper)).toMatchObject({ announced: 0 });
    tick(10);
    expect(await sweep(sweeper)).toMatchObject({ announced: 2 });

    tick(9);
    const swept = await sweep(sweeper);
    expect(swept).toMatchObject({ overflowed: 1 });
    expect(await ports.store.callRouting(tenant, first.callId)).toMatchObject({ state: 'overflowed' });
    expect(await ports.store.callRouting(tenant, second.callId)).toMatchObject({ state: 'waiting' });
    expect(carrier.sent.at(-1)).toEqual({ action: 'overflow', callId: first.callId, detail: 'q' });
    expect(await ports.store.queueLength(tenant, 'q', 10)).toBe(1);
  });
});
