/**
 * The fault battery's invariants, checked on what DynamoDB committed (./committed-steps.ts) and what the
 * callers lived through (./place-calls.ts). Pure functions, so a deliberately broken history shows each
 * check catching what it is there for.
 *
 * - Double assignment: every committed change moves a call's routing (or an agent's state) from one
 *   version to the next, so the steps of each call and each agent must form one unbroken chain (two writes
 *   from the same version would be a lost or doubled update); a call never goes from one agent to another
 *   without going back to the queue; an agent never takes a call while holding another.
 * - Lost call: every placed call reached the SMA, ended on the phone, its call record ended, and its
 *   routing (if it was queued) reached an end.
 * - Stuck reservation: an agent reserved longer than the ring timeout plus 30 s.
 */
import type { AgentStep, CommittedSteps, RoutingStep } from './committed-steps.ts';
import type { PlacedCall } from './place-calls.ts';

const ROUTING_ENDS = new Set(['gone', 'overflowed', 'transferred']);

export function doubleAssignments(steps: Pick<CommittedSteps, 'routingSteps' | 'agentSteps'>): string[] {
  const problems: string[] = [];
  for (const [callId, chain] of groupBy(steps.routingSteps, (s) => s.callId)) {
    problems.push(...brokenChain(callId, chain));
    let holder: string | undefined;
    for (const s of chain) {
      if (s.state === 'offered' || s.state === 'connected') {
        if (holder !== undefined && s.agentId !== holder)
          problems.push(`${callId}: ${s.state} to ${s.agentId} while with ${holder}`);
        holder = s.agentId;
      } else holder = undefined;
    }
  }
  for (const [agentId, chain] of groupBy(steps.agentSteps, (s) => s.agentId)) {
    problems.push(...brokenChain(agentId, chain));
    let holding: string | undefined;
    for (const s of chain) {
      const holds = s.status === 'reserved' || s.status === 'on-call';
      if (holds && holding !== undefined && s.callId !== holding)
        problems.push(`${agentId} took ${s.callId} while holding ${holding}`);
      holding = holds || s.status === 'after-call' ? s.callId : undefined;
    }
  }
  return problems;
}

/** Steps sorted by version must go 0→1→2…: a gap or a repeat is a lost or doubled update. */
function brokenChain(owner: string, chain: readonly (RoutingStep | AgentStep)[]): string[] {
  const problems: string[] = [];
  let expected = chain[0]?.from ?? 0;
  for (const s of chain) {
    if (s.from !== expected || s.to !== s.from + 1)
      problems.push(`${owner}: went ${s.from}→${s.to} where ${expected}→${expected + 1} was next`);
    expected = s.to;
  }
  return problems;
}

export interface Outcomes {
  readonly answered: number;
  readonly abandoned: number;
  readonly endedInIvr: number;
  /** Calls routing connected to an agent whose caller never heard the agent (the bridge never happened). */
  readonly connectedUnheard: number;
  /** Calls without a final outcome, each with why. */
  readonly lost: string[];
}

export function callOutcomes(placed: readonly PlacedCall[], steps: CommittedSteps): Outcomes {
  const routing = groupBy(steps.routingSteps, (s) => s.callId);
  let answered = 0;
  let abandoned = 0;
  let endedInIvr = 0;
  let connectedUnheard = 0;
  const lost: string[] = [];
  for (const call of placed) {
    const name = `call ${call.n} (${call.callId ?? 'no transaction'})`;
    if (call.callId === undefined) {
      lost.push(`${name}: never reached the SMA`);
      continue;
    }
    if (!call.ended) lost.push(`${name}: still up on the phone`);
    const status = steps.callStatus.get(call.callId);
    if (status !== 'ended') lost.push(`${name}: call record ${status ?? 'missing'}`);
    const chain = routing.get(call.callId) ?? [];
    const last = chain.at(-1);
    if (last !== undefined && !ROUTING_ENDS.has(last.state)) lost.push(`${name}: routing left ${last.state}`);
    const connected = chain.some((s) => s.state === 'connected');
    if (last === undefined) endedInIvr += 1;
    else if (call.answered && connected) answered += 1;
    else abandoned += 1;
    if (connected && !call.answered) connectedUnheard += 1;
  }
  return { answered, abandoned, endedInIvr, connectedUnheard, lost };
}

export interface Reservations {
  readonly maxReservedMs: number;
  /** Reservations longer than the bound, each with the agent, call and how long. */
  readonly stuck: string[];
}

/** How long each reservation lasted (to the agent's next status, or to `now` if it still holds). */
export function reservations(agentSteps: readonly AgentStep[], boundMs: number, now: number): Reservations {
  let maxReservedMs = 0;
  const stuck: string[] = [];
  for (const [agentId, chain] of groupBy(agentSteps, (s) => s.agentId)) {
    chain.forEach((s, i) => {
      if (s.status !== 'reserved') return;
      const ms = (chain[i + 1]?.since ?? now) - s.since;
      maxReservedMs = Math.max(maxReservedMs, ms);
      if (ms > boundMs) stuck.push(`${agentId} reserved for ${s.callId} during ${Math.round(ms / 1000)} s`);
    });
  }
  return { maxReservedMs, stuck };
}

/** Groups by key, each group sorted by the version it moved to. */
function groupBy<S extends { to: number }>(steps: readonly S[], key: (s: S) => string): Map<string, S[]> {
  const groups = new Map<string, S[]>();
  for (const s of steps) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  for (const chain of groups.values()) chain.sort((a, b) => a.to - b.to);
  return groups;
}
