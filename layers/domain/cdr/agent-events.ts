/**
 * From an agent's state change (before and after, as the live table's stream carries them): the agent
 * event record for the lake, and — when the agent finishes after-call work — the agent's segment of the
 * call (answer, hold, wrap-up) for the call's detail record. Pure.
 */
import { CDR_SCHEMA_VERSION } from '../../resources/lake.ts';
import type { AgentState } from '../routing/agent-state.ts';
import type { AgentSegment } from './call-detail-record.ts';
import { localTime } from './call-detail-record.ts';

export interface AgentEventRecord {
  readonly record_id: string;
  readonly schema_version: number;
  readonly produced_at: string;
  readonly tenant: string;
  readonly dt: string;
  readonly agent_id: string;
  readonly agent_version: number;
  readonly event_at: string;
  readonly from_status: string;
  readonly to_status: string;
  readonly from_reason: string | null;
  readonly to_reason: string | null;
  readonly duration_s: number;
  readonly call_id: string | null;
  readonly queue_id: string | null;
  readonly local_date: string;
  readonly region: string;
  readonly hold_s: number | null;
}

/**
 * The event of a change of status or not-ready reason (a hold or a mute is not one: they are in the
 * call's record); undefined for other changes. Its id is the agent's version, so a redelivery repeats it.
 */
export function agentEvent(
  tenant: string,
  before: AgentState | undefined,
  after: AgentState | undefined,
  ctx: { timezone: string; region: string; now: Date },
): AgentEventRecord | undefined {
  if (after === undefined) return undefined;
  const fromStatus = before?.status ?? 'offline';
  const fromReason = before?.status === 'not-ready' ? (before.reason ?? null) : null;
  const toReason = after.status === 'not-ready' ? (after.reason ?? null) : null;
  if (before !== undefined && fromStatus === after.status && fromReason === toReason) return undefined;
  const since = before?.since ?? after.since;
  const finished = finishedSegment(before, after);
  const call = after.call ?? before?.call;
  return {
    record_id: `agent-event:${after.agentId}:${after.version}`,
    schema_version: CDR_SCHEMA_VERSION,
    produced_at: ctx.now.toISOString(),
    tenant,
    dt: after.since.slice(0, 10),
    agent_id: after.agentId,
    agent_version: after.version,
    event_at: after.since,
    from_status: fromStatus,
    to_status: after.status,
    from_reason: fromReason,
    to_reason: toReason,
    duration_s: Math.max(0, (Date.parse(after.since) - Date.parse(since)) / 1000),
    call_id: call?.callId ?? null,
    queue_id: call?.queueId ?? null,
    local_date: localTime(after.since, ctx.timezone).date,
    region: ctx.region,
    hold_s: finished === undefined ? null : finished.segment.holdMs / 1000,
  };
}

/**
 * The agent's segment of a call, when this change ends the agent's after-call work on it (ready, not
 * ready, logged out, or another call); undefined otherwise. A hold still open when the call ended counts
 * up to the end of the call (the start of wrap-up).
 */
export function finishedSegment(
  before: AgentState | undefined,
  after: AgentState | undefined,
): { callId: string; segment: AgentSegment } | undefined {
  if (before?.status !== 'after-call' || before.call === undefined) return undefined;
  if (after?.status === 'after-call' && after.call?.callId === before.call.callId) return undefined;
  const call = before.call;
  const acwStartedAt = before.since;
  const openHoldMs =
    call.holdSince === undefined ? 0 : Math.max(0, Date.parse(acwStartedAt) - Date.parse(call.holdSince));
  const acwEndedAt = after?.since ?? acwStartedAt;
  return {
    callId: call.callId,
    segment: {
      agentId: before.agentId,
      ...(call.queueId === undefined ? {} : { queueId: call.queueId }),
      offeredAt: call.offeredAt,
      ...(call.answeredAt === undefined ? {} : { answeredAt: call.answeredAt }),
      holdMs: (call.holdMs ?? 0) + openHoldMs,
      holdCount: call.holdCount ?? 0,
      acwStartedAt,
      acwEndedAt,
    },
  };
}
