/**
 * The fault battery, reduced (issue 10, point 3): real calls through the virtual PSTN and headless agents
 * through the agent API, on a local cloud of its own (free ports, in memory) whose faults are switched
 * per scenario through `/_emulator/faults` — DynamoDB throttling and transaction conflicts at the proxy in
 * front of DynamoDB Local, every SMA event delivered twice at once, call-events records duplicated and
 * reordered on the way to their consumers. After each scenario: no double assignment (the committed
 * version chains), no lost call, no duplicate CDR row in the lake's report, no agent reserved past the
 * ring timeout + 30 s; at 10% throttling every call that would have been answered is (at this size the
 * issue's 99.9% allows no miss). First, each check is shown to catch the fault it is there for.
 * The full size runs with bench/faults/run-faults.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStep, CommittedSteps, RoutingStep } from '../../bench/faults/committed-steps.ts';
import { type FaultCloud, startFaultCloud } from '../../bench/faults/fault-cloud.ts';
import { callOutcomes, doubleAssignments, reservations } from '../../bench/faults/invariants.ts';
import { duplicateOrMissingRows } from '../../bench/faults/lake-rows.ts';
import type { PlacedCall } from '../../bench/faults/place-calls.ts';
import { runScenario, type ScenarioResult, type ScenarioSize } from '../../bench/faults/run-scenario.ts';
import { faultScenario } from '../../bench/faults/scenarios.ts';

const routing = (
  callId: string,
  from: number,
  state: RoutingStep['state'],
  agentId?: string,
): RoutingStep => ({
  callId,
  from,
  to: from + 1,
  state,
  queueId: 'sales',
  ...(agentId === undefined ? {} : { agentId }),
});
const agent = (
  agentId: string,
  from: number,
  status: AgentStep['status'],
  since: number,
  callId?: string,
) => ({
  agentId,
  from,
  to: from + 1,
  status,
  since,
  ...(callId === undefined ? {} : { callId }),
});

describe('the fault battery’s checks catch what they are there for', () => {
  const clean: CommittedSteps = {
    routingSteps: [
      routing('c1', 0, 'waiting'),
      routing('c1', 1, 'offered', 'a1'),
      routing('c1', 2, 'connected', 'a1'),
      routing('c1', 3, 'gone', 'a1'),
    ],
    agentSteps: [
      agent('a1', 0, 'available', 0),
      agent('a1', 1, 'reserved', 1_000, 'c1'),
      agent('a1', 2, 'on-call', 2_000, 'c1'),
      agent('a1', 3, 'after-call', 9_000, 'c1'),
      agent('a1', 4, 'available', 9_500),
    ],
    callStatus: new Map([['c1', 'ended']]),
  };
  const placed: PlacedCall[] = [
    { n: 0, callId: 'c1', answered: true, gaveUp: false, ended: true, endReason: 'completed' },
  ];

  it('passes a clean history', () => {
    expect(doubleAssignments(clean)).toEqual([]);
    expect(callOutcomes(placed, clean)).toEqual({
      answered: 1,
      abandoned: 0,
      endedInIvr: 0,
      connectedUnheard: 0,
      lost: [],
    });
    expect(reservations(clean.agentSteps, 45_000, 10_000)).toEqual({ maxReservedMs: 1_000, stuck: [] });
  });

  it('finds a call offered to two agents from one version, and an agent given two calls', () => {
    const doubled = {
      ...clean,
      routingSteps: [...clean.routingSteps, routing('c1', 1, 'offered', 'a2')],
      agentSteps: [...clean.agentSteps, agent('a1', 2, 'reserved', 1_500, 'c2')],
    };
    expect(doubleAssignments(doubled).length).toBeGreaterThanOrEqual(3);
  });

  it('finds lost calls: routing left open, a record not ended, a phone still up, a call that never arrived', () => {
    const open = {
      ...clean,
      routingSteps: clean.routingSteps.slice(0, 3),
      callStatus: new Map([['c1', 'connected']]),
    };
    const hanging: PlacedCall[] = [
      { ...(placed[0] as PlacedCall), ended: false },
      { n: 1, callId: undefined, answered: false, gaveUp: true, ended: true, endReason: undefined },
    ];
    expect(callOutcomes(hanging, open).lost).toHaveLength(4);
    // Connected in routing, yet the caller never heard the agent: not answered.
    const unheard = callOutcomes([{ ...(placed[0] as PlacedCall), answered: false }], clean);
    expect(unheard).toMatchObject({ answered: 0, abandoned: 1, connectedUnheard: 1 });
  });

  it('finds an agent stuck reserved past the bound', () => {
    const stuck = [agent('a1', 0, 'available', 0), agent('a1', 1, 'reserved', 1_000, 'c1')];
    expect(reservations(stuck, 45_000, 100_000).stuck).toHaveLength(1);
  });

  it('finds a call twice in the report, a call missing, and a row nobody placed', () => {
    const rows = {
      reportRows: new Map([
        ['c1', 2],
        ['x', 1],
      ]),
      rawRows: new Map(),
    };
    expect(duplicateOrMissingRows(rows, ['c1', 'c2'])).toHaveLength(3);
  });
});

describe('the contact center under injected faults', () => {
  let fc: FaultCloud;
  let firstCaller = 2_000_000;
  const size = (calls: number, patienceS = 60): ScenarioSize => ({
    calls,
    concurrency: 5,
    agents: 6,
    talkS: 1,
    patienceS,
  });
  const run = async (name: string, s: ScenarioSize): Promise<ScenarioResult> => {
    const result = await runScenario(fc, faultScenario(name), s, firstCaller);
    firstCaller += s.calls;
    process.stdout.write(`[fault-battery] ${JSON.stringify(result)}\n`);
    expect(result.calls).toBe(s.calls);
    expect(result.problems).toEqual({
      doubleAssignments: [],
      lostCalls: [],
      duplicateCdrRows: [],
      stuckReservations: [],
    });
    expect(result.answered + result.abandoned + result.endedInIvr).toBe(s.calls);
    return result;
  };

  beforeAll(async () => {
    fc = await startFaultCloud();
  }, 120_000);
  afterAll(async () => {
    await fc?.stop();
  });

  it('handles every SMA event delivered twice at once: the copies answer alike', async () => {
    const result = await run('sma-duplicate-events', size(10));
    expect(result.faults.sma.duplicated).toBeGreaterThan(50);
    expect(result.faults.sma.divergentReplies).toBe(0);
    expect(result.answered).toBe(10);
  }, 240_000);

  it('keeps one CDR row per call with call events duplicated and reordered', async () => {
    const result = await run('kinesis-duplicate-reorder', size(10));
    expect(result.faults.kinesis.duplicated).toBeGreaterThan(0);
    expect(result.faults.kinesis.reorderedBatches).toBeGreaterThan(0);
    // The copies did reach the lake (Firehose does not de-duplicate): the report kept one row each.
    expect(result.rawCdrCopies).toBeGreaterThan(0);
    expect(result.answered).toBe(10);
  }, 240_000);

  // DynamoDB faults last: should a fault take the in-process cloud down, the other scenarios have run.
  // At 30% throttling calls are still lost (a NEW_INBOUND_CALL that fails after enqueueing leaves its
  // routing connected to an agent while the SMA has failed over): `npm run bench -- --faults --scenario
  // dynamodb-throttle-30` shows it; see bench/faults/README.md. It joins this battery once fixed.
  it('answers every call at 10% throttling and 10% transaction conflicts', async () => {
    const result = await run('dynamodb-throttle-10', size(30));
    expect(result.faults.dynamodb.throttled).toBeGreaterThan(50);
    expect(result.faults.dynamodb.conflicts).toBeGreaterThan(0);
    // Every caller would have been answered (more agents than callers at once, a minute's patience).
    expect(result.answeredRatio).toBeGreaterThanOrEqual(0.999);
  }, 240_000);
});
