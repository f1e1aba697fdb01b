/**
 * Routing strategies, pure. When an agent becomes available, an availability hint is written in each of
 * its queues with a sort key made by that queue's strategy (`rankKey`), so the best agent for the queue is
 * the first item of one bounded Query however many agents are logged in (shared/design/routing-model.md).
 * Strategies whose measure changes while an agent waits (idle and talk ratios) rank by the nearest fixed
 * key, and `order` computes the exact measure over the small page read. Skill requirements and proficiency
 * steps are checked per candidate.
 */
import { type AgentState, routingMetrics } from './agent-state.ts';
import type { QueueConfig, Strategy } from './queue-config.ts';

/** What a hint records of its agent at the time it was written. */
export interface AvailabilityHint {
  readonly agentId: string;
  /** The agent's state version the hint was written for: a reservation requires it still. */
  readonly version: number;
  readonly rank: string;
  readonly idleSince: string;
  readonly loginAt: string;
  readonly idleMs: number;
  readonly talkMs: number;
  readonly callsAnswered: number;
  readonly skills: Readonly<Record<string, number>>;
}

const pad = (n: number, width: number) => String(Math.max(0, Math.floor(n))).padStart(width, '0');

/** The sort key of an agent's hint in a queue: ascending order is best first. */
export function rankKey(
  strategy: Strategy,
  agent: AgentState,
  queueId: string,
  queue: Pick<QueueConfig, 'routingSkill'>,
  random: () => number = Math.random,
): string {
  const idle = agent.idleSince ?? agent.since;
  const level = queue.routingSkill === undefined ? 0 : (agent.skills[queue.routingSkill] ?? 0);
  switch (strategy) {
    case 'longest-idle':
    case 'highest-idle-ratio': // nearest fixed key: long idle spells make high idle ratios
    case 'ring-all':
      return idle;
    case 'least-talk-time':
    case 'least-talk-ratio': // nearest fixed key: the talk total
      return `${pad(agent.talkMs, 13)}#${idle}`;
    case 'fewest-calls':
      return `${pad(agent.callsAnswered, 8)}#${idle}`;
    case 'highest-skill':
    case 'skill-steps':
      return `${9 - level}#${idle}`;
    case 'lowest-skill':
      // Agents without the skill sort last.
      return `${level === 0 ? 9 : level}#${idle}`;
    case 'round-robin':
      return `${agent.lastOffered[queueId] ?? '0000'}#${idle}`;
    case 'random':
      return pad(random() * 1e12, 12);
  }
}

export function hintFor(
  strategy: Strategy,
  agent: AgentState,
  queueId: string,
  queue: Pick<QueueConfig, 'routingSkill'>,
  random?: () => number,
): AvailabilityHint {
  return {
    agentId: agent.agentId,
    version: agent.version,
    rank: rankKey(strategy, agent, queueId, queue, random),
    idleSince: agent.idleSince ?? agent.since,
    loginAt: agent.loginAt ?? agent.since,
    idleMs: agent.idleMs,
    talkMs: agent.talkMs,
    callsAnswered: agent.callsAnswered,
    skills: agent.skills,
  };
}

/** A waiting call's needs: required skills, and when it entered the queue (for proficiency steps). */
export interface CallNeeds {
  readonly skills: Readonly<Record<string, number>>;
  readonly enqueuedAt: string;
}

/** Whether an agent may take the call now: every required skill at its level, and the current step's. */
export function eligible(hint: AvailabilityHint, call: CallNeeds, queue: QueueConfig, now: Date): boolean {
  for (const [skill, level] of Object.entries(call.skills))
    if ((hint.skills[skill] ?? 0) < level) return false;
  if (queue.strategy !== 'skill-steps' || queue.routingSkill === undefined) return true;
  const threshold = stepThreshold(queue, (now.getTime() - Date.parse(call.enqueuedAt)) / 1000);
  return (hint.skills[queue.routingSkill] ?? 0) >= threshold;
}

/** The level the proficiency steps require after waiting this long; 0 once every step has passed. */
export function stepThreshold(queue: Pick<QueueConfig, 'steps'>, waitedSeconds: number): number {
  let elapsed = 0;
  for (const step of queue.steps) {
    elapsed += step.forSeconds;
    if (waitedSeconds < elapsed) return step.minLevel;
  }
  return 0;
}

/** The page of candidates read by rank, in the order to try them (exact ratios computed here). */
export function order(strategy: Strategy, page: readonly AvailabilityHint[], now: Date): AvailabilityHint[] {
  const metric = (h: AvailabilityHint) => routingMetrics(h, now);
  if (strategy === 'highest-idle-ratio')
    return [...page].sort(
      (a, b) => metric(b).idleRatio - metric(a).idleRatio || a.rank.localeCompare(b.rank),
    );
  if (strategy === 'least-talk-ratio')
    return [...page].sort(
      (a, b) => metric(a).talkRatio - metric(b).talkRatio || a.rank.localeCompare(b.rank),
    );
  return [...page];
}
