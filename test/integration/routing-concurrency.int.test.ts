/**
 * Property test of the call distributor against DynamoDB Local: callers arrive at random, agents accept,
 * decline, let offers ring out, take breaks and wrap up, callers give up, several dispatchers race, and a
 * sweeper re-runs assignment. Every committed write moved a call's routing or an agent's state from one
 * version to the next; afterwards those steps must form one unbroken chain per call
 * and per agent (so no two writes ever started from the same state: no call offered to or connected with
 * two agents, no agent holding two calls), every call must have ended answered, abandoned or overflowed,
 * and the agents' counters must add up. The steps are read back from the table's stream: what DynamoDB
 * committed, whoever wrote it (the local cloud's own sweeper takes part too). A second run injects
 * throttling and transaction conflicts.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type AgentStep, committedSteps, type RoutingStep } from '../../bench/faults/committed-steps.ts';
import { DynamoDbQueueDirectory } from '../../layers/adapters/dynamodb-queue-directory.ts';
import { DynamoDbRoutingStore } from '../../layers/adapters/dynamodb-routing-store.ts';
import type { AgentState } from '../../layers/domain/routing/agent-state.ts';
import {
  acceptOffer,
  assignQueue,
  changeAgentState,
  endRouting,
  enqueueCall,
  type Offer,
  type RoutingPorts,
  returnOffer,
} from '../../layers/domain/routing/dispatch.ts';
import { parseQueueConfig } from '../../layers/domain/routing/queue-config.ts';
import { type TenantId, tenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { type Faults, faultyDocuments } from '../support/faulty-dynamodb.ts';
import { localCloud } from '../support/local-cloud.ts';

const { clients, config } = localCloud();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);
const chance = (p: number) => Math.random() < p;

interface RunOptions {
  calls: number;
  agents: number;
  dispatchers: number;
  faults?: Faults;
}

async function run(options: RunOptions) {
  const tenant: TenantId = tenantId(`race-${randomUUID().slice(0, 8)}`);
  const queues = new DynamoDbQueueDirectory(clients.documents, config.tables.config);
  await queues.putQueue(
    tenant,
    'main',
    parseQueueConfig({ name: 'Main', strategy: 'longest-idle', acwSeconds: 0, maxSize: 5000 }),
  );
  await queues.putQueue(
    tenant,
    'ring',
    parseQueueConfig({ name: 'Ring', strategy: 'ring-all', acwSeconds: 0, maxSize: 5000 }),
  );
  const faultCounts: { throttled: number; conflicts: number; requests: number }[] = [];
  const offers = new Map<string, (offer: Offer) => void>();
  const dispatchers: RoutingPorts[] = Array.from({ length: options.dispatchers }, () => {
    let documents = clients.documents;
    if (options.faults !== undefined) {
      const faulty = faultyDocuments(config, options.faults);
      documents = faulty.documents;
      faultCounts.push(faulty.counts);
    }
    return {
      store: new DynamoDbRoutingStore(documents, config.tables.live),
      queues,
      now: () => new Date(),
      offered: async (_tenant, offer) => {
        for (const agentId of offer.agentIds) offers.get(agentId)?.(offer);
      },
    };
  });
  const any = () => dispatchers[Math.floor(Math.random() * dispatchers.length)] as RoutingPorts;
  /** Every actor tolerates a failed attempt (a race lost, throttling past the SDK's retries) and moves on. */
  const attempt = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch {
      return undefined;
    }
  };
  const connected = new Set<string>();
  const ended = new Set<string>();
  let running = true;

  // Agents: log in, then react to offers (pushed, and by looking at their own state as a safety net).
  const agentIds = Array.from({ length: options.agents }, (_, i) => `agent-${i}`);
  for (const agentId of agentIds) {
    while (
      !(await attempt(() =>
        changeAgentState(any(), tenant, agentId, { kind: 'login', skills: {}, queues: { main: 1, ring: 2 } }),
      ))
    );
    while (!(await attempt(() => changeAgentState(any(), tenant, agentId, { kind: 'ready' }))));
  }
  const busy = new Set<string>();
  const handleOffer = async (agentId: string, callId: string, ringAll: boolean) => {
    if (busy.has(agentId)) return;
    busy.add(agentId);
    try {
      await sleep(between(2, 25));
      const roll = Math.random();
      if (ringAll ? roll < 0.5 : roll < 0.65) {
        const accepted = await attempt(() => acceptOffer(any(), tenant, agentId, callId));
        if (accepted === undefined) return;
        connected.add(callId);
        await sleep(between(10, 120));
        await attempt(() => endRouting(any(), tenant, callId, 'gone')); // the agent hangs up (or the caller did)
      } else if (ringAll) {
        return; // lets it ring: another agent, or the sweeper, deals with it
      } else if (roll < 0.82) {
        await attempt(() => returnOffer(any(), tenant, agentId, callId, 'decline'));
      } else {
        await sleep(80); // rings out
        await attempt(() => returnOffer(any(), tenant, agentId, callId, 'miss'));
      }
    } finally {
      busy.delete(agentId);
    }
  };
  for (const agentId of agentIds)
    offers.set(agentId, (offer) => void handleOffer(agentId, offer.entry.callId, offer.ringAll));
  const agentLoop = async (agentId: string) => {
    while (running) {
      // A safety net only (offers are pushed): slow enough not to crowd DynamoDB Local.
      await sleep(between(400, 900));
      if (busy.has(agentId)) continue;
      const state = (await attempt(() => any().store.agent(tenant, agentId)))?.state;
      if (state === undefined) continue;
      if (state.status === 'reserved' && state.call !== undefined)
        void handleOffer(agentId, state.call.callId, false);
      else if (state.status === 'after-call')
        await attempt(() => changeAgentState(any(), tenant, agentId, { kind: 'end-wrap-up' }));
      else if (state.status === 'not-ready')
        await attempt(() => changeAgentState(any(), tenant, agentId, { kind: 'ready' }));
      else if (state.status === 'available' && chance(0.02))
        await attempt(() => changeAgentState(any(), tenant, agentId, { kind: 'not-ready', reason: 'break' }));
    }
  };
  const agentLoops = agentIds.map(agentLoop);

  // The sweeper: a periodic assignment round per queue, and overflow of callers who waited too long.
  const sweeper = (async () => {
    while (running) {
      await sleep(150);
      await attempt(() => assignQueue(any(), tenant, 'main'));
      await attempt(() => assignQueue(any(), tenant, 'ring'));
    }
  })();

  // Callers: random arrivals; each gives up after its patience unless connected, and hangs up after talking.
  const caller = async (n: number) => {
    const callId = `call-${n}-${randomUUID().slice(0, 6)}`;
    const queueId = chance(0.8) ? 'main' : 'ring';
    // The call record, as call control makes it; retried like every other step (a thousand callers arriving
    // at once can keep a connection to DynamoDB Local waiting past the client's timeout).
    const record = new PutCommand({
      TableName: config.tables.live,
      Item: { ...liveKeys.call(tenant, callId), type: 'call', status: 'ivr' },
    });
    while ((await attempt(() => clients.documents.send(record))) === undefined) await sleep(between(10, 100));
    const entry = {
      queueId,
      callId,
      priority: chance(0.1) ? 5 : 0,
      enqueuedAt: new Date().toISOString(),
      skills: {},
      declinedBy: [],
    };
    let queued = await attempt(() => enqueueCall(any(), tenant, entry));
    while (queued === undefined) {
      await sleep(10);
      queued = await attempt(() => enqueueCall(any(), tenant, entry));
    }
    if (queued === 'full') throw new Error('the simulation sizes its queues never to fill');
    const patience = between(500, 4000);
    const started = Date.now();
    while (Date.now() - started < patience && !connected.has(callId)) await sleep(25);
    if (connected.has(callId)) await sleep(between(10, 150));
    // Hangs up (or, for a few who waited long, the queue overflows them); retried until the call has ended.
    let outcome: 'gone' | 'overflowed' = !connected.has(callId) && chance(0.1) ? 'overflowed' : 'gone';
    for (;;) {
      const routing = await attempt(() => endRouting(any(), tenant, callId, outcome));
      outcome = 'gone'; // an overflow refused (an agent took the call meanwhile): the caller hangs up later
      const now = await attempt(() => any().store.callRouting(tenant, callId));
      if (routing !== undefined && (now?.state === 'gone' || now?.state === 'overflowed')) break;
      await sleep(between(20, 200));
    }
    ended.add(callId);
  };
  const callers: Promise<void>[] = [];
  for (let n = 0; n < options.calls; n++) {
    callers.push(caller(n));
    await sleep(between(0, 50));
  }
  await Promise.all(callers);
  running = false;
  await Promise.all([...agentLoops, sweeper]);
  // Let any agent still in after-call work finish it, so the final states are comparable.
  const first = dispatchers[0] as RoutingPorts;
  for (const agentId of agentIds) {
    for (let i = 0; i < 20; i++) {
      const state = (await attempt(() => first.store.agent(tenant, agentId)))?.state;
      if (state?.status !== 'after-call' && state?.status !== 'reserved') break;
      if (state.status === 'after-call')
        await attempt(() => changeAgentState(first, tenant, agentId, { kind: 'end-wrap-up' }));
      else await sleep(50);
    }
  }
  // Read back without injected faults: the check is not part of the system under test.
  const clean = new DynamoDbRoutingStore(clients.documents, config.tables.live);
  const finalAgents = await Promise.all(agentIds.map(async (id) => (await clean.agent(tenant, id))?.state));
  const { routingSteps, agentSteps } = await committedSteps(clients, config.tables.live, tenant);
  return { tenant, routingSteps, agentSteps, ended, faultCounts, agentIds, finalAgents };
}

function checkChains(result: Awaited<ReturnType<typeof run>>, calls: number) {
  const problems: string[] = [];
  const perCall = new Map<string, RoutingStep[]>();
  for (const s of result.routingSteps) perCall.set(s.callId, [...(perCall.get(s.callId) ?? []), s]);
  expect(perCall.size).toBe(calls);
  let answered = 0;
  let abandoned = 0;
  let overflowed = 0;
  let offeredInRingAll = 0;
  for (const [callId, steps] of perCall) {
    steps.sort((a, b) => a.to - b.to);
    steps.forEach((s, i) => {
      if (s.from !== i || s.to !== i + 1)
        problems.push(`${callId}: step ${i} went ${s.from}→${s.to} (a lost or doubled update)`);
    });
    let previous: RoutingStep | undefined;
    for (const s of steps) {
      const ok =
        previous === undefined
          ? s.state === 'waiting'
          : previous.state === 'waiting'
            ? s.state === 'offered' || s.state === 'gone' || s.state === 'overflowed'
            : previous.state === 'offered'
              ? (s.state === 'connected' && s.agentId === previous.agentId) ||
                s.state === 'waiting' ||
                s.state === 'gone' ||
                s.state === 'overflowed'
              : previous.state === 'connected'
                ? s.state === 'gone' && s.agentId === previous.agentId
                : false;
      if (!ok) problems.push(`${callId}: ${previous?.state ?? 'start'} → ${s.state} (${s.agentId ?? '-'})`);
      previous = s;
    }
    const last = steps.at(-1);
    if (last?.state !== 'gone' && last?.state !== 'overflowed')
      problems.push(`${callId} did not end: ${last?.state}`);
    if (steps.some((s) => s.state === 'connected')) answered += 1;
    else if (last?.state === 'overflowed') overflowed += 1;
    else abandoned += 1;
    if (steps[0]?.queueId === 'ring' && steps.some((s) => s.state === 'connected')) offeredInRingAll += 1;
  }

  const perAgent = new Map<string, AgentStep[]>();
  for (const s of result.agentSteps) perAgent.set(s.agentId, [...(perAgent.get(s.agentId) ?? []), s]);
  let callsAnsweredByAgents = 0;
  let missedByAgents = 0;
  for (const [agentId, steps] of perAgent) {
    steps.sort((a, b) => a.to - b.to);
    steps.forEach((s, i) => {
      if (s.from !== i || s.to !== i + 1)
        problems.push(`${agentId}: step ${i} went ${s.from}→${s.to} (a lost or doubled update)`);
    });
    let holding: string | undefined;
    for (const s of steps) {
      const holds = s.status === 'reserved' || s.status === 'on-call';
      if (holds && holding !== undefined && s.callId !== holding)
        problems.push(`${agentId} took ${s.callId} while holding ${holding}`);
      holding = holds || s.status === 'after-call' ? s.callId : undefined;
      if (s.status === 'on-call' && steps[steps.indexOf(s) - 1]?.status === 'reserved')
        callsAnsweredByAgents += 1;
      if (s.status === 'not-ready' && steps[steps.indexOf(s) - 1]?.status === 'reserved') missedByAgents += 1;
    }
  }
  expect(problems.slice(0, 20)).toEqual([]);
  expect(answered + abandoned + overflowed).toBe(calls);
  // The agents' own counters agree with what happened to the calls.
  const sum = (pick: (a: AgentState) => number) =>
    result.finalAgents.reduce((n, a) => n + (a === undefined ? 0 : pick(a)), 0);
  expect(callsAnsweredByAgents).toBe(answered);
  expect(sum((a) => a.callsAnswered)).toBe(answered);
  expect(sum((a) => a.missed)).toBe(missedByAgents);
  expect(result.finalAgents.filter((a) => a?.status === 'reserved' || a?.status === 'on-call')).toEqual([]);
  return { answered, abandoned, overflowed, offeredInRingAll };
}

describe('the call distributor under concurrency', () => {
  it('connects every call to at most one agent, never gives an agent two calls, and ends every call (1,000 calls, 50 agents, 4 dispatchers)', async () => {
    const result = await run({ calls: Number(process.env.RACE_CALLS ?? 1000), agents: 50, dispatchers: 4 });
    const outcome = checkChains(result, Number(process.env.RACE_CALLS ?? 1000));
    expect(outcome.answered).toBeGreaterThan(0);
    expect(outcome.abandoned + outcome.overflowed).toBeGreaterThan(0);
    const waiting = await clients.documents.send(
      new QueryCommand({
        TableName: config.tables.live,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.queueEntriesPartition(result.tenant, 'main') },
      }),
    );
    expect(waiting.Items).toEqual([]);
  }, 240_000);

  it('keeps those guarantees with 10% of requests throttled and 10% of transactions in conflict', async () => {
    const result = await run({
      calls: 300,
      agents: 30,
      dispatchers: 4,
      faults: { throttle: 0.1, conflict: 0.1 },
    });
    checkChains(result, 300);
    const injected = result.faultCounts.reduce((sum, c) => sum + c.throttled + c.conflicts, 0);
    expect(injected).toBeGreaterThan(100);
  }, 240_000);
});
