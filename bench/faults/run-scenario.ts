/**
 * One fault scenario, start to end: a fresh tenant and its agents (set up without faults), the faults
 * switched on, the calls placed, the faults switched off, then every invariant checked on what was
 * committed and what reached the lake. Returns the figures and the problems found (empty when it held).
 */
import type { FaultCounts } from '../../infra/local/fault-injection.ts';
import { openCallCenter, RING_TIMEOUT_S } from './call-center.ts';
import { committedSteps } from './committed-steps.ts';
import type { FaultCloud } from './fault-cloud.ts';
import { callOutcomes, doubleAssignments, reservations } from './invariants.ts';
import { duplicateOrMissingRows, settledLakeRows } from './lake-rows.ts';
import { placeCalls } from './place-calls.ts';
import type { FaultScenario } from './scenarios.ts';

export interface ScenarioSize {
  readonly calls: number;
  /** Callers at once; fewer than the agents, so every caller would be answered without faults. */
  readonly concurrency: number;
  readonly agents: number;
  readonly talkS: number;
  readonly patienceS: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly seconds: number;
  readonly calls: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly endedInIvr: number;
  /** Routing connected the call to an agent, but the caller never heard one (counted as abandoned). */
  readonly connectedUnheard: number;
  /** Answered over the calls that would have been answered (all of them, at this sizing). */
  readonly answeredRatio: number;
  readonly faults: FaultCounts;
  readonly maxReservedMs: number;
  /** Lake rows beyond one per call (what the report must not count). */
  readonly rawCdrCopies: number;
  readonly agentApiErrors: number;
  /** Each call no agent answered: what routing committed, the call record's status, the SMA's invocations. */
  readonly unanswered: {
    callId: string | undefined;
    routing: string;
    status: string;
    invocations: string[];
  }[];
  readonly problems: {
    readonly doubleAssignments: string[];
    readonly lostCalls: string[];
    readonly duplicateCdrRows: string[];
    readonly stuckReservations: string[];
  };
}

export async function runScenario(
  fc: FaultCloud,
  scenario: FaultScenario,
  size: ScenarioSize,
  firstCaller: number,
): Promise<ScenarioResult> {
  await fc.setFaults({});
  const center = await openCallCenter(fc, { agents: size.agents, talkS: size.talkS, prefix: 'faults' });
  const began = Date.now();
  let faults: FaultCounts;
  let placed: Awaited<ReturnType<typeof placeCalls>>;
  try {
    await fc.setFaults(scenario.faults);
    placed = await placeCalls(fc.webUrl, center.tenant.number, {
      calls: size.calls,
      concurrency: size.concurrency,
      patienceS: size.patienceS,
      maxTalkS: size.talkS + 20,
      firstCaller,
    });
    // The last agents finish their wrap-up, and the stream consumers catch up, still under the faults.
    await new Promise((r) => setTimeout(r, 3_000));
    faults = (await fc.readFaults()).counts;
  } finally {
    await fc.setFaults({});
    await center.close();
  }
  const seconds = (Date.now() - began) / 1000;
  const { config, clients } = fc.checker;
  const tenant = center.tenant.tenant;
  const steps = await committedSteps(clients, config.tables.live, tenant);
  const outcomes = callOutcomes(placed, steps);
  const reserved = reservations(steps.agentSteps, (RING_TIMEOUT_S + 30) * 1000, Date.now());
  const callIds = placed.flatMap((c) => (c.callId === undefined ? [] : [c.callId]));
  const lake = await settledLakeRows(clients, config, tenant, callIds, 30_000);
  const rawRows = [...lake.rawRows.values()].reduce((n, copies) => n + copies, 0);
  return {
    scenario: scenario.name,
    seconds: Math.round(seconds * 10) / 10,
    calls: placed.length,
    answered: outcomes.answered,
    abandoned: outcomes.abandoned,
    endedInIvr: outcomes.endedInIvr,
    connectedUnheard: outcomes.connectedUnheard,
    answeredRatio: placed.length === 0 ? 0 : outcomes.answered / placed.length,
    faults,
    maxReservedMs: reserved.maxReservedMs,
    rawCdrCopies: rawRows - lake.rawRows.size,
    agentApiErrors: center.agentErrors.length,
    unanswered: placed
      .filter((c) => !c.answered)
      .map((c) => ({
        callId: c.callId,
        routing: steps.routingSteps
          .filter((s) => s.callId === c.callId)
          .sort((a, b) => a.to - b.to)
          .map((s) => (s.agentId === undefined ? s.state : `${s.state}(${s.agentId.slice(0, 8)})`))
          .join(' → '),
        status: steps.callStatus.get(c.callId ?? '') ?? 'missing',
        invocations: c.invocations ?? [],
      })),
    problems: {
      doubleAssignments: doubleAssignments(steps),
      lostCalls: outcomes.lost,
      duplicateCdrRows: duplicateOrMissingRows(lake, callIds),
      stuckReservations: reserved.stuck,
    },
  };
}
