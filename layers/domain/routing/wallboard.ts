/**
 * The supervisor's wallboard, as of now: a tile per queue (callers waiting, the longest wait, service level
 * and abandoned calls over the last 15 minutes, its agents by state) and a row per agent (state, time in
 * it, current call, calls answered today). Figures as shared/design/metrics-and-prices.md defines them;
 * every read is bounded (a page of each queue's head, a Query for the agents, minute counters).
 */
import type { TenantId } from '../tenancy/ids.ts';
import { AGENT_STATUSES, type AgentState, type AgentStatus } from './agent-state.ts';
import type { AgentProfile, QueueConfig } from './queue-config.ts';
import type { QueueCounters, RoutingStore } from './routing-store.ts';

/** The span of the wallboard's service level and abandoned counts. */
export const WALLBOARD_WINDOW_MINUTES = 15;
/** Callers read from the head of a queue to find its longest wait (priorities may put newer ones first). */
const HEAD_READ = 100;

export interface WallboardPorts {
  readonly store: Pick<RoutingStore, 'queueLength' | 'queueHead' | 'countersBetween'>;
  readonly directory: {
    queueIds(tenant: TenantId): Promise<string[]>;
    queue(tenant: TenantId, queueId: string): Promise<QueueConfig | undefined>;
    agentProfiles(tenant: TenantId): Promise<Map<string, AgentProfile>>;
  };
  readonly agents: {
    agents(tenant: TenantId): Promise<AgentState[]>;
    answeredToday(tenant: TenantId, day: string): Promise<Map<string, number>>;
  };
  readonly now: () => Date;
}

export interface QueueTile {
  readonly queueId: string;
  readonly name: string;
  readonly waiting: number;
  readonly longestWaitSeconds: number | null;
  /** Answered within the target ÷ (answered + abandoned after the target), in percent; null with no calls. */
  readonly serviceLevel: { readonly targetSeconds: number; readonly percent: number | null };
  readonly answered: number;
  readonly abandoned: number;
  readonly agents: Readonly<Record<AgentStatus, number>>;
}

/** The wallboard as the API sends it. */
export type Wallboard = Awaited<ReturnType<typeof wallboard>>;

export async function wallboard(ports: WallboardPorts, tenant: TenantId) {
  const now = ports.now();
  const since = new Date(now.getTime() - (WALLBOARD_WINDOW_MINUTES - 1) * 60_000);
  const [queueIds, agents, profiles, today] = await Promise.all([
    ports.directory.queueIds(tenant),
    ports.agents.agents(tenant),
    ports.directory.agentProfiles(tenant),
    ports.agents.answeredToday(tenant, now.toISOString().slice(0, 10)),
  ]);
  const queues: QueueTile[] = [];
  for (const queueId of queueIds.sort()) {
    const config = await ports.directory.queue(tenant, queueId);
    if (config === undefined) continue;
    const [waiting, head, counters] = await Promise.all([
      ports.store.queueLength(tenant, queueId, config.maxSize),
      ports.store.queueHead(tenant, queueId, HEAD_READ),
      ports.store.countersBetween(tenant, queueId, since, now),
    ]);
    const oldest = head.map((c) => Date.parse(c.entry.enqueuedAt)).sort((a, b) => a - b)[0];
    const byStatus = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
    for (const agent of agents) if (agent.queues[queueId] !== undefined) byStatus[agent.status] += 1;
    queues.push({
      queueId,
      name: config.name,
      waiting,
      longestWaitSeconds:
        oldest === undefined ? null : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
      serviceLevel: { targetSeconds: config.serviceLevelSeconds, percent: serviceLevel(counters) },
      answered: counters.answered,
      abandoned: counters.abandoned,
      agents: byStatus,
    });
  }
  return {
    at: now.toISOString(),
    windowMinutes: WALLBOARD_WINDOW_MINUTES,
    queues,
    agents: agents
      .filter((a) => a.status !== 'offline')
      .map(({ media: _media, lastOffered: _lastOffered, ...shown }) => shown)
      .map((a) => ({
        ...a,
        name: profiles.get(a.agentId)?.name ?? a.agentId,
        callsToday: today.get(a.agentId) ?? 0,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Service level (T): answered within T ÷ (answered + abandoned after T); short abandons are left out. */
export function serviceLevel(
  counters: Pick<QueueCounters, 'answered' | 'answeredInTarget' | 'abandonedAfterTarget'>,
) {
  const offered = counters.answered + counters.abandonedAfterTarget;
  return offered === 0 ? null : Math.round((counters.answeredInTarget / offered) * 1000) / 10;
}
