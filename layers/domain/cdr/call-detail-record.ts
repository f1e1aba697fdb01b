/**
 * The call detail record (CDR): one row per call for the data lake (columns: layers/resources/lake.ts),
 * built from the call's record in the live table once the call is over — ended, and the last agent's
 * after-call work done (or given up waiting for). Pure: the figures follow
 * shared/design/metrics-and-prices.md, the cost the price table in ./price-table.ts.
 *
 * A call's record may be made more than once (a redelivered stream record, a late agent segment): each
 * version has a stable id (`cdr:<call>:<version>`), and queries keep the highest version of a call.
 */
import { CDR_SCHEMA_VERSION } from '../../resources/lake.ts';
import type { CallRouting } from '../routing/routing-store.ts';
import { SHORT_ABANDON_MS } from '../routing/routing-store.ts';
import { isTollFree, PLATFORM_USAGE_PER_CALL, PRICE_TABLE } from './price-table.ts';

/** What one agent did on a call: written on the call record when the agent finishes its after-call work. */
export interface AgentSegment {
  readonly agentId: string;
  readonly queueId?: string;
  readonly offeredAt?: string;
  readonly answeredAt?: string;
  readonly holdMs: number;
  readonly holdCount: number;
  readonly acwStartedAt: string;
  readonly acwEndedAt: string;
}

/** The call record as stored in the live table (the fields a CDR reads; all optional as items vary). */
export interface StoredCall {
  readonly tenant: string;
  readonly callId: string;
  readonly caller?: string;
  readonly dialled?: string;
  readonly direction?: 'outbound';
  readonly startedAt?: string;
  readonly status?: string;
  readonly node?: string;
  readonly ivrPath?: readonly string[];
  /** The queue the call is (or was last) in. */
  readonly queue?: { readonly id?: string };
  /** When and where the caller first queued (written once, with the first enqueue). */
  readonly queuedAt?: string;
  readonly firstQueueId?: string;
  /** The agent who answered the call last, and when (written with each answer). */
  readonly lastAnsweredBy?: string;
  readonly lastAnsweredAt?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly endReason?: string;
  readonly routing?: CallRouting;
  /** Times an agent handed the call on (counted with the routing change). */
  readonly transfers?: number;
  readonly disposition?: { readonly code?: string; readonly notes?: string; readonly agentId?: string };
  readonly recording?: string;
  /** The agent's pauses of the recording: how many, how long, and one still open. */
  readonly recordingPauseCount?: number;
  readonly recordingPausedMs?: number;
  readonly recordingPausedAt?: string;
  readonly voicemail?: string;
  readonly callback?: boolean;
  /** Each agent's part, by `segmentKey` (an agent who answers the call twice has two). */
  readonly segments?: Readonly<Record<string, AgentSegment>>;
  readonly carrier?: Readonly<Record<string, string>>;
}

export interface CdrContext {
  /** The tenant's IANA timezone (reports group by its dates and hours). */
  readonly timezone: string;
  /** The service-level target of the call's queue, in seconds. */
  readonly serviceLevelSeconds: number;
  /** Region handling the call, when the carrier did not say. */
  readonly region: string;
  readonly now: Date;
}

export interface CallDetailRecord {
  readonly record_id: string;
  readonly record_version: number;
  readonly schema_version: number;
  readonly produced_at: string;
  readonly tenant: string;
  readonly dt: string;
  readonly call_id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly initiation: 'inbound' | 'outbound' | 'transfer' | 'callback';
  readonly outcome: CallOutcome;
  readonly caller_number: string | null;
  readonly called_number: string | null;
  readonly started_at: string;
  readonly ivr_ended_at: string | null;
  readonly enqueued_at: string | null;
  readonly offered_at: string | null;
  readonly answered_at: string | null;
  readonly ended_at: string | null;
  readonly acw_ended_at: string | null;
  readonly local_date: string;
  readonly local_hour: number;
  readonly timezone: string;
  readonly ivr_path: string | null;
  readonly ivr_last_node: string | null;
  readonly attributes_json: string;
  readonly customer_id: string | null;
  readonly queue_id: string | null;
  readonly agent_id: string | null;
  readonly agent_ids: string | null;
  readonly ivr_s: number | null;
  readonly wait_s: number | null;
  readonly talk_s: number | null;
  readonly hold_s: number;
  readonly hold_count: number;
  readonly acw_s: number | null;
  readonly transfer_count: number;
  readonly previous_call_id: string | null;
  readonly next_call_id: string | null;
  readonly disposition_code: string | null;
  readonly disposition_notes: string | null;
  readonly disconnect_reason: string | null;
  readonly disconnect_side: 'caller' | 'agent' | 'system' | null;
  readonly sl_target_s: number | null;
  readonly answered_within_target: boolean | null;
  readonly abandoned: boolean;
  readonly short_abandon: boolean;
  readonly recording_location: string | null;
  readonly recording_pause_count: number;
  readonly recording_paused_s: number;
  readonly region: string;
  readonly telephony_minutes: number;
  readonly sma_minutes: number;
  readonly cost_telephony_usd: number;
  readonly cost_sma_usd: number;
  readonly cost_platform_usd: number;
  readonly cost_total_usd: number;
  readonly price_table: string;
  readonly last_queue_id: string | null;
}

export type CallOutcome =
  | 'answered'
  | 'abandoned'
  | 'ivr'
  | 'voicemail'
  | 'overflowed'
  | 'callback'
  | 'refused'
  | 'unanswered';

/**
 * How long the CDR sweep leaves a call on its list before it looks (after the call's end, or after a
 * version was taken): time for the stream to send and confirm the record first.
 */
export const CDR_SWEEP_GRACE_MS = 2 * 60_000;

/** How long a call that ended waits for its agent's after-call work before its record is made anyway. */
export const ACW_WAIT_MS = 30 * 60_000;

/** Where an agent's segment is kept on the call: one per answer. */
export function segmentKey(segment: Pick<AgentSegment, 'agentId' | 'answeredAt' | 'acwStartedAt'>): string {
  return `${segment.agentId}#${segment.answeredAt ?? segment.acwStartedAt}`;
}

/**
 * Whether the call is over for its record: ended, and the agent who answered it last has finished
 * after-call work on that answer (its segment is on the record). An agent offered the call who never
 * answered it is not waited for. Earlier agents' segments are written as they finish, normally long before;
 * one that comes later makes a new version.
 */
export function callComplete(call: StoredCall): boolean {
  if (call.status !== 'ended') return false;
  if (call.lastAnsweredBy === undefined || call.lastAnsweredAt === undefined) return true;
  return (
    call.segments?.[
      segmentKey({ agentId: call.lastAnsweredBy, answeredAt: call.lastAnsweredAt, acwStartedAt: '' })
    ] !== undefined
  );
}

/** Whether a record is due for a call that ended but is not complete (its agent never finished wrap-up). */
export function overdue(call: StoredCall, now: Date): boolean {
  return (
    call.status === 'ended' &&
    call.endedAt !== undefined &&
    now.getTime() - Date.parse(call.endedAt) >= ACW_WAIT_MS
  );
}

const seconds = (from: string | undefined, to: string | undefined): number | null =>
  from === undefined || to === undefined ? null : Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

const round = (value: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(value * f) / f;
};

/**
 * The CDR of a call (version `version`). Figures a call never reached (no queue, no answer) are null, so
 * averages in SQL skip them.
 */
export function buildCdr(call: StoredCall, version: number, ctx: CdrContext): CallDetailRecord {
  const startedAt = call.startedAt ?? call.endedAt ?? ctx.now.toISOString();
  const routing = call.routing;
  const outbound = call.direction === 'outbound' || routing?.entry.outbound === true;
  // Wait and service level count from the caller's first queue, whatever transfers follow.
  const enqueuedAt = outbound ? undefined : (call.queuedAt ?? routing?.entry.enqueuedAt);
  // The first offer: an agent's segment keeps its own offer, the routing only the latest.
  const offeredAt = [
    routing?.timeline?.offeredAt,
    ...Object.values(call.segments ?? {}).map((s) => s.offeredAt),
  ]
    .filter((t): t is string => t !== undefined)
    .sort()[0];
  const answeredAt = call.answeredAt ?? routing?.timeline?.answeredAt;
  const endedAt = call.endedAt;
  const segments = Object.values(call.segments ?? {}).sort((a, b) =>
    (a.answeredAt ?? a.acwStartedAt).localeCompare(b.answeredAt ?? b.acwStartedAt),
  );
  const answeredSegments = segments.filter((s) => s.answeredAt !== undefined);
  const lastAgent =
    call.lastAnsweredBy ?? (outbound && routing && 'agentId' in routing ? routing.agentId : undefined);
  const lastSegment =
    call.lastAnsweredBy === undefined || call.lastAnsweredAt === undefined
      ? undefined
      : call.segments?.[
          segmentKey({ agentId: call.lastAnsweredBy, answeredAt: call.lastAnsweredAt, acwStartedAt: '' })
        ];
  const holdMs = segments.reduce((sum, s) => sum + s.holdMs, 0);
  const holdCount = segments.reduce((sum, s) => sum + s.holdCount, 0);
  const acwMs = segments.reduce(
    (sum, s) => sum + Math.max(0, Date.parse(s.acwEndedAt) - Date.parse(s.acwStartedAt)),
    0,
  );
  const ivrEndedAt = outbound ? undefined : (enqueuedAt ?? endedAt);
  const wait = enqueuedAt === undefined ? null : seconds(enqueuedAt, answeredAt ?? endedAt);
  // Talk: each agent's time on the call less its hold (the last answer, still unwrapped, up to the end).
  const onCallMs =
    answeredSegments.reduce(
      (sum, s) => sum + Math.max(0, Date.parse(s.acwStartedAt) - Date.parse(s.answeredAt as string)),
      0,
    ) +
    (lastSegment === undefined && endedAt !== undefined && (call.lastAnsweredAt ?? answeredAt) !== undefined
      ? Math.max(0, Date.parse(endedAt) - Date.parse((call.lastAnsweredAt ?? answeredAt) as string))
      : 0);
  const talk =
    answeredAt === undefined || endedAt === undefined ? null : Math.max(0, (onCallMs - holdMs) / 1000);
  const outcome = outcomeOf(call, outbound, enqueuedAt, answeredAt);
  const abandoned = outcome === 'abandoned';
  const shortAbandon = abandoned && wait !== null && wait * 1000 < SHORT_ABANDON_MS;
  const slTarget = enqueuedAt === undefined ? null : ctx.serviceLevelSeconds;
  const local = localTime(startedAt, ctx.timezone);
  const attributes = call.attributes ?? {};
  const cost = callCost({
    outbound,
    dialled: call.dialled ?? '',
    startedAt,
    answeredAt,
    endedAt: endedAt ?? startedAt,
    recorded: call.recording !== undefined,
  });
  const agentIds = [
    ...new Set([...answeredSegments.map((s) => s.agentId), ...(lastAgent ? [lastAgent] : [])]),
  ];
  return {
    record_id: `cdr:${call.callId}:${version}`,
    record_version: version,
    schema_version: CDR_SCHEMA_VERSION,
    produced_at: ctx.now.toISOString(),
    tenant: call.tenant,
    dt: startedAt.slice(0, 10),
    call_id: call.callId,
    direction: outbound ? 'outbound' : 'inbound',
    initiation: outbound ? (call.callback === true ? 'callback' : 'outbound') : 'inbound',
    outcome,
    // An agent's call out stores the number called as `caller` (the customer), the tenant's as `dialled`.
    caller_number: (outbound ? call.dialled : call.caller) ?? null,
    called_number: (outbound ? call.caller : call.dialled) ?? null,
    started_at: startedAt,
    ivr_ended_at: ivrEndedAt ?? null,
    enqueued_at: enqueuedAt ?? null,
    offered_at: offeredAt ?? null,
    answered_at: answeredAt ?? null,
    ended_at: endedAt ?? null,
    acw_ended_at: lastSegment?.acwEndedAt ?? null,
    local_date: local.date,
    local_hour: local.hour,
    timezone: ctx.timezone,
    ivr_path: call.ivrPath !== undefined && call.ivrPath.length > 0 ? call.ivrPath.join('>') : null,
    ivr_last_node: call.ivrPath?.at(-1) ?? call.node ?? null,
    attributes_json: JSON.stringify(attributes),
    customer_id: attributes.customerId ?? null,
    queue_id: outbound ? null : (call.firstQueueId ?? call.queue?.id ?? routing?.entry.queueId ?? null),
    agent_id: lastAgent ?? null,
    agent_ids: agentIds.length === 0 ? null : agentIds.join(','),
    ivr_s: outbound ? null : seconds(startedAt, ivrEndedAt),
    wait_s: wait,
    talk_s: talk,
    hold_s: holdMs / 1000,
    hold_count: holdCount,
    acw_s: segments.length === 0 ? null : acwMs / 1000,
    transfer_count: call.transfers ?? 0,
    previous_call_id: null,
    next_call_id: null,
    disposition_code: call.disposition?.code ?? null,
    disposition_notes: call.disposition?.notes ?? null,
    disconnect_reason: call.endReason ?? null,
    disconnect_side: disconnectSide(call.endReason),
    sl_target_s: slTarget,
    answered_within_target:
      slTarget === null || answeredAt === undefined || wait === null ? null : wait <= slTarget,
    abandoned,
    short_abandon: shortAbandon,
    recording_location: call.recording ?? null,
    recording_pause_count: call.recordingPauseCount ?? 0,
    recording_paused_s:
      ((call.recordingPausedMs ?? 0) + (seconds(call.recordingPausedAt, endedAt) ?? 0) * 1000) / 1000,
    region: call.carrier?.region ?? ctx.region,
    ...cost,
    last_queue_id: outbound ? null : (call.queue?.id ?? routing?.entry.queueId ?? null),
  };
}

function outcomeOf(
  call: StoredCall,
  outbound: boolean,
  enqueuedAt: string | undefined,
  answeredAt: string | undefined,
): CallOutcome {
  if (answeredAt !== undefined) return 'answered';
  if (outbound) return 'unanswered';
  if (call.endReason === 'refused') return 'refused';
  if (call.callback === true) return 'callback';
  if (call.voicemail !== undefined) return 'voicemail';
  if (call.routing?.state === 'overflowed') return 'overflowed';
  if (enqueuedAt !== undefined) return 'abandoned';
  return 'ivr';
}

function disconnectSide(reason: string | undefined): CallDetailRecord['disconnect_side'] {
  if (reason === undefined) return null;
  if (reason === 'caller-hung-up') return 'caller';
  if (reason === 'other-party-hung-up' || reason.startsWith('agent')) return 'agent';
  return 'system';
}

/** The date, hour and 15-minute interval (`HHMM` of its start) of `at` on the wall clock of `timezone`. */
export function localTime(at: string, timezone: string): { date: string; hour: number; interval: string } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(at));
  } catch (error) {
    // An unknown zone reads as UTC; a time that is not one is an error, whatever the zone.
    if (timezone === 'UTC') throw new RangeError(`'${at}' is not a time`, { cause: error });
    return localTime(at, 'UTC');
  }
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const quarter = String(Math.floor(Number(part('minute')) / 15) * 15).padStart(2, '0');
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    hour: Number(part('hour')),
    interval: `${part('hour')}${quarter}`,
  };
}

interface CostInput {
  readonly outbound: boolean;
  readonly dialled: string;
  readonly startedAt: string;
  readonly answeredAt: string | undefined;
  readonly endedAt: string;
  readonly recorded: boolean;
}

/**
 * A call's cost from the price table: PSTN minutes on the customer's leg; SMA minutes on every leg the
 * application runs (the customer's, and the leg joined to the agent's meeting once answered); and the
 * platform's own usage — the agent's meeting minutes, recording minutes, and the per-call DynamoDB,
 * Lambda, Kinesis and Firehose usage measured by the routing benchmark. Billed per second.
 */
export function callCost(
  input: CostInput,
): Pick<
  CallDetailRecord,
  | 'telephony_minutes'
  | 'sma_minutes'
  | 'cost_telephony_usd'
  | 'cost_sma_usd'
  | 'cost_platform_usd'
  | 'cost_total_usd'
  | 'price_table'
> {
  const p = PRICE_TABLE;
  const u = PLATFORM_USAGE_PER_CALL;
  const callMinutes = (seconds(input.startedAt, input.endedAt) ?? 0) / 60;
  const answeredMinutes = (seconds(input.answeredAt, input.endedAt) ?? 0) / 60;
  const pstnRate = input.outbound
    ? p.outboundMinute
    : isTollFree(input.dialled)
      ? p.tollFreeInboundMinute
      : p.didInboundMinute;
  const telephony = callMinutes * pstnRate;
  const smaMinutes = callMinutes + answeredMinutes;
  const sma = smaMinutes * p.smaLegMinute;
  const platform =
    answeredMinutes * p.attendeeMinute +
    (input.recorded ? answeredMinutes * p.recordingMinute : 0) +
    u.dynamoReadUnits * p.dynamoReadUnit +
    u.dynamoWriteUnits * p.dynamoWriteUnit +
    u.lambdaInvocations * (p.lambdaRequest + (u.lambdaMs / 1000) * u.lambdaMemoryGb * p.lambdaGbSecond) +
    (u.kinesisKb / 1e6) * p.kinesisInGb +
    (u.firehoseKb / 1e6) * p.firehoseGb;
  return {
    telephony_minutes: round(callMinutes, 4),
    sma_minutes: round(smaMinutes, 4),
    cost_telephony_usd: round(telephony, 6),
    cost_sma_usd: round(sma, 6),
    cost_platform_usd: round(platform, 6),
    cost_total_usd: round(telephony + sma + platform, 6),
    price_table: p.date,
  };
}
