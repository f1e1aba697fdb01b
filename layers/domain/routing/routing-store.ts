/**
 * The routing store port: reads that stay bounded however many agents and callers a queue has, and writes
 * that are each one atomic, conditional step (a DynamoDB transaction in layers/adapters/dynamodb-routing-
 * store.ts). A write whose conditions fail changes nothing and says so; the services in ./dispatch.ts
 * decide what to do next.
 */
import type { TenantId } from '../tenancy/ids.ts';
import type { AgentState } from './agent-state.ts';
import type { QueueConfig } from './queue-config.ts';
import type { AvailabilityHint } from './strategies.ts';

/** A caller waiting in a queue; its sort key orders the queue (higher priority, then older, first). */
export interface QueueEntry {
  readonly queueId: string;
  readonly callId: string;
  readonly priority: number;
  readonly enqueuedAt: string;
  readonly skills: Readonly<Record<string, number>>;
  /** Agents who declined this call: it is not offered to them again. */
  readonly declinedBy: readonly string[];
  /** An agent's own call out: it never waits in a queue. */
  readonly outbound?: boolean;
  /** The caller overflows (to the queue's overflow target) if still waiting then. */
  readonly waitDeadline?: string;
  /** The caller's next position and wait announcement. */
  readonly announceAt?: string;
  /** An agent has answered this call before (it came back by a transfer): it counts for its queue once. */
  readonly answered?: boolean;
}

/** A call an agent places, as routing starts it (the call record is created with it). */
export interface OutboundCall {
  readonly callId: string;
  /** The number called, and the contact center's number it is called from. */
  readonly to: string;
  readonly from: string;
  readonly carrier: Readonly<Record<string, string>>;
  readonly startedAt: string;
}

/**
 * Where a call stands in routing (kept on the call record). Its version counts every change: a write
 * requires the version it read, so no two changes can start from the same state of the call.
 */
export type CallRouting = {
  readonly version: number;
  readonly entry: QueueEntry;
  /** When the call was last offered and answered, and since when the agent it was offered to was ready. */
  readonly timeline?: RoutingTimeline;
} & (
  | { readonly state: 'waiting' }
  | { readonly state: 'offered' | 'connected'; readonly agentId: string }
  | { readonly state: RoutingEnd; readonly agentId?: string }
);

/**
 * How a call leaves routing: the caller hung up (or the agent did), it overflowed from the queue, or its
 * agent transferred it out of the contact center (a number outside; it may come back if nobody answers).
 */
export type RoutingEnd = 'gone' | 'overflowed' | 'transferred';

export interface RoutingTimeline {
  readonly offeredAt?: string;
  readonly agentReadySince?: string;
  readonly answeredAt?: string;
}

/** A waiting caller as the queue's head lists it, with the routing version it was queued at. */
export interface QueuedCall {
  readonly entry: QueueEntry;
  readonly routingVersion: number;
}

/** The hint items an agent has, so they can be removed with the state change that invalidates them. */
export interface HintRef {
  readonly queueId: string;
  readonly rank: string;
}

export interface StoredAgent {
  readonly state: AgentState;
  readonly hints: readonly HintRef[];
}

export interface AgentWrite {
  readonly next: AgentState;
  /** The version the write requires (the one read); 0 for an agent never stored. */
  readonly expectedVersion: number;
  readonly removeHints: readonly HintRef[];
  readonly putHints: readonly (AvailabilityHint & { queueId: string })[];
}

export interface RoutingStore {
  agent(tenant: TenantId, agentId: string): Promise<StoredAgent | undefined>;
  /** The first `limit` waiting callers of a queue. */
  queueHead(tenant: TenantId, queueId: string, limit: number): Promise<QueuedCall[]>;
  /** The first `limit` availability hints of a queue, best first by the queue's strategy. */
  candidates(tenant: TenantId, queueId: string, limit: number): Promise<AvailabilityHint[]>;
  /** How many callers wait, counting up to `upTo` (a full queue needs no more). */
  queueLength(tenant: TenantId, queueId: string, upTo: number): Promise<number>;
  callRouting(tenant: TenantId, callId: string): Promise<CallRouting | undefined>;

  /** The agent's state changes (and its hints with it) if its version is still `expectedVersion`. */
  saveAgent(tenant: TenantId, write: AgentWrite): Promise<boolean>;
  /** Several agents change together (a consultation), each if its version is still the one read. */
  saveAgents(tenant: TenantId, writes: readonly AgentWrite[]): Promise<boolean>;
  /** The caller joins the queue: entry written, call routing waiting at version 1 (a call is queued once). */
  enqueue(tenant: TenantId, entry: QueueEntry): Promise<boolean>;
  /**
   * The reservation: entry leaves the queue, call routing waiting → offered, agent saved (available →
   * reserved, its hints removed), all or nothing.
   */
  reserve(
    tenant: TenantId,
    call: QueuedCall,
    agent: AgentWrite,
    /** Since when the agent was ready (for the assignment latency). */
    agentReadySince?: string,
  ): Promise<'reserved' | 'entry-gone' | 'agent-changed'>;
  /** The agent takes the offered call: call routing offered → connected, agent saved. */
  connect(tenant: TenantId, routing: CallRouting, agent: AgentWrite): Promise<boolean>;
  /**
   * The call waits in a queue again: an offer declined or left ringing (back to its place), a call its agent
   * transferred to a queue, or a transfer outside that nobody answered. Routing → waiting; the agent (if
   * any) saved.
   */
  requeue(
    tenant: TenantId,
    routing: CallRouting,
    entry: QueueEntry,
    agent: AgentWrite | undefined,
  ): Promise<boolean>;
  /**
   * A connected call is handed to another agent, all or nothing: the agent it leaves saved (into wrap-up)
   * and the new one saved; routing → offered to the new agent (a blind transfer: it rings there) or
   * connected to it (a warm transfer: the agent is on the call already).
   */
  handOver(
    tenant: TenantId,
    routing: CallRouting,
    from: AgentWrite,
    to: AgentWrite,
    state?: 'offered' | 'connected',
  ): Promise<boolean>;
  /**
   * An agent's call out begins: the call record is created with its routing offered to the agent, and the
   * agent is reserved for it, all or nothing.
   */
  startOutbound(
    tenant: TenantId,
    call: OutboundCall,
    routing: CallRouting,
    agent: AgentWrite,
  ): Promise<'started' | 'call-ended' | 'agent-changed'>;
  /**
   * The caller left (hung up, or overflowed): entry and routing end; the agent, if any, saved (and an
   * agent it was consulting, released with it).
   */
  leave(
    tenant: TenantId,
    routing: CallRouting,
    outcome: RoutingEnd,
    agent: AgentWrite | undefined,
    consulted?: AgentWrite,
  ): Promise<boolean>;
  /** How many callers wait ahead of `entry` in its queue, counting up to `upTo`. */
  callsAhead(tenant: TenantId, entry: QueueEntry, upTo: number): Promise<number>;
  /** Moves a waiting caller's next announcement (a caller no longer waiting is left alone). */
  rescheduleEntry(tenant: TenantId, entry: QueueEntry, announceAt: string | undefined): Promise<void>;
  /**
   * Counts an answered call of a queue, and whether it was answered within the queue's service-level
   * target (for estimated waits and the wallboard).
   */
  recordAnswer(
    tenant: TenantId,
    queueId: string,
    waitMs: number,
    at: Date,
    withinTarget: boolean,
  ): Promise<void>;
  /** The calls the agent answered lately, newest first (written with each answer). */
  recentAgentCalls(
    tenant: TenantId,
    agentId: string,
    limit: number,
  ): Promise<{ callId: string; queueId: string; answeredAt: string }[]>;
  /** Counts a call the agent answered today (the wallboard's calls per agent). */
  recordAgentAnswer(tenant: TenantId, agentId: string, at: Date): Promise<void>;
  /** Counts a caller who hung up while waiting (or ringing), and whether after the target. */
  recordAbandon(
    tenant: TenantId,
    queueId: string,
    waitMs: number,
    at: Date,
    afterTarget: boolean,
  ): Promise<void>;
  /** The queue's counters from `since` to `until` (by the minute). */
  countersBetween(tenant: TenantId, queueId: string, since: Date, until: Date): Promise<QueueCounters>;
  /** Removes a hint whose agent moved on since it was written. */
  dropHint(tenant: TenantId, queueId: string, hint: AvailabilityHint): Promise<void>;
}

/** A queue's real-time counters over a span of minutes (docs: shared/design/metrics-and-prices.md). */
export interface QueueCounters {
  readonly answered: number;
  readonly answeredInTarget: number;
  readonly abandoned: number;
  readonly abandonedAfterTarget: number;
  /** Abandoned within 5 s: reported, left out of the service level. */
  readonly shortAbandoned: number;
  /** Total wait of the answered calls. */
  readonly waitMs: number;
}

/** A caller who gives up within this long is a short abandon. */
export const SHORT_ABANDON_MS = 5_000;

/** Queue configurations (the config table; cached by the adapter). */
export interface QueueDirectory {
  queue(tenant: TenantId, queueId: string): Promise<QueueConfig | undefined>;
}
