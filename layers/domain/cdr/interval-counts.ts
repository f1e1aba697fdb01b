/**
 * What one call adds to the real-time counters of its tenant's day (per queue and 15-minute interval of
 * the call's start, in the tenant's timezone, and to the day's `ALL` row), and the counters read back as
 * the figures of shared/design/metrics-and-prices.md. Pure.
 */
import { type CallDetailRecord, localTime } from './call-detail-record.ts';

export interface IntervalCount {
  readonly localDate: string;
  readonly queueId: string;
  readonly interval: string;
  readonly add: Readonly<Record<CounterField, number>>;
}

export const COUNTER_FIELDS = [
  'calls',
  'queued',
  'answered',
  'answeredInTarget',
  'abandoned',
  'abandonedAfterTarget',
  'shortAbandoned',
  'waitMs',
] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];

/** The row every call counts in, whatever its queue. */
export const ALL_QUEUES = 'ALL';

export function intervalCounts(cdr: CallDetailRecord): IntervalCount[] {
  const local = localTime(cdr.started_at, cdr.timezone);
  const queued = cdr.enqueued_at !== null;
  const answered = cdr.answered_at !== null;
  const afterTarget = cdr.sl_target_s !== null && (cdr.wait_s ?? 0) > cdr.sl_target_s;
  const add: Record<CounterField, number> = {
    calls: 1,
    queued: queued ? 1 : 0,
    answered: queued && answered ? 1 : 0,
    answeredInTarget: queued && cdr.answered_within_target === true ? 1 : 0,
    abandoned: cdr.abandoned ? 1 : 0,
    abandonedAfterTarget: cdr.abandoned && !cdr.short_abandon && afterTarget ? 1 : 0,
    shortAbandoned: cdr.short_abandon ? 1 : 0,
    waitMs: queued && answered ? Math.round((cdr.wait_s ?? 0) * 1000) : 0,
  };
  const rows: IntervalCount[] = [
    { localDate: local.date, queueId: ALL_QUEUES, interval: local.interval, add },
  ];
  if (queued && cdr.queue_id !== null)
    rows.push({ localDate: local.date, queueId: cdr.queue_id, interval: local.interval, add });
  return rows;
}

export interface IntervalFigures {
  readonly queueId: string;
  readonly interval: string;
  readonly calls: number;
  readonly queued: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly shortAbandoned: number;
  /** answered within target ÷ (answered + abandoned after target); null with nothing to measure. */
  readonly serviceLevel: number | null;
  /** Average speed of answer, seconds. */
  readonly asaSeconds: number | null;
}

export function figuresOf(
  row: Readonly<Record<string, unknown>>,
  queueId: string,
  interval: string,
): IntervalFigures {
  const n = (field: CounterField) => Number(row[field] ?? 0);
  const measured = n('answered') + n('abandonedAfterTarget');
  return {
    queueId,
    interval,
    calls: n('calls'),
    queued: n('queued'),
    answered: n('answered'),
    abandoned: n('abandoned'),
    shortAbandoned: n('shortAbandoned'),
    serviceLevel: measured === 0 ? null : n('answeredInTarget') / measured,
    asaSeconds: n('answered') === 0 ? null : n('waitMs') / n('answered') / 1000,
  };
}

/** A day's counter rows as figures: per queue (the day's total of each), and per queue and interval. */
export function todayFigures(rows: readonly Readonly<Record<string, unknown>>[]): {
  total: IntervalFigures;
  queues: IntervalFigures[];
  intervals: IntervalFigures[];
} {
  const parsed = rows.flatMap((row) => {
    const match = /^Q#(.+)#(\d{4})$/.exec(String(row.sk ?? ''));
    return match === null ? [] : [{ row, queueId: match[1] as string, interval: match[2] as string }];
  });
  const sum = (subset: typeof parsed) => {
    const total: Record<string, number> = {};
    for (const { row } of subset)
      for (const field of COUNTER_FIELDS) total[field] = (total[field] ?? 0) + Number(row[field] ?? 0);
    return total;
  };
  const queueIds = [...new Set(parsed.map((p) => p.queueId))].filter((q) => q !== ALL_QUEUES).sort();
  return {
    total: figuresOf(sum(parsed.filter((p) => p.queueId === ALL_QUEUES)), ALL_QUEUES, 'day'),
    queues: queueIds.map((q) => figuresOf(sum(parsed.filter((p) => p.queueId === q)), q, 'day')),
    intervals: parsed
      .map((p) => figuresOf(p.row, p.queueId, p.interval))
      .sort((a, b) => a.interval.localeCompare(b.interval) || a.queueId.localeCompare(b.queueId)),
  };
}
