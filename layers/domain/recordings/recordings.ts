/**
 * Recordings: the index entry a recorded call's detail record makes, how long a tenant keeps recordings
 * (14 months unless the tenant says otherwise), and what a search may ask. Pure.
 */
import type { CallDetailRecord } from '../cdr/call-detail-record.ts';
import { ValidationError } from '../errors.ts';

export interface RecordingEntry {
  readonly callId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Seconds from the agent's answer (the recording's start) to the end of the call. */
  readonly durationS: number | null;
  readonly direction: string;
  readonly caller: string | null;
  readonly called: string | null;
  readonly agentId: string | null;
  readonly queueId: string | null;
  readonly customerId: string | null;
  readonly disposition: string | null;
  /** `s3://bucket/key` of the WAV. */
  readonly location: string;
  readonly pauseCount: number;
  readonly pausedS: number;
  readonly cdrVersion: number;
}

export const DEFAULT_RETENTION_MONTHS = 14;
export const MAX_RETENTION_MONTHS = 120;

/** The index entry of a recorded call, or undefined for a call without a recording. */
export function recordingEntry(cdr: CallDetailRecord): RecordingEntry | undefined {
  if (cdr.recording_location === null) return undefined;
  const durationFrom = cdr.answered_at ?? cdr.started_at;
  return {
    callId: cdr.call_id,
    startedAt: cdr.started_at,
    endedAt: cdr.ended_at,
    durationS:
      cdr.ended_at === null
        ? null
        : Math.max(0, (Date.parse(cdr.ended_at) - Date.parse(durationFrom)) / 1000),
    direction: cdr.direction,
    caller: cdr.caller_number,
    called: cdr.called_number,
    agentId: cdr.agent_id,
    queueId: cdr.queue_id,
    customerId: cdr.customer_id,
    disposition: cdr.disposition_code,
    location: cdr.recording_location,
    pauseCount: cdr.recording_pause_count,
    pausedS: cdr.recording_paused_s,
    cdrVersion: cdr.record_version,
  };
}

/** When a recording made at `startedAt` is deleted, for a retention of `months`. */
export function retainUntil(startedAt: string, months: number): Date {
  const at = new Date(startedAt);
  at.setUTCMonth(at.getUTCMonth() + months);
  return at;
}

export function parseRetentionMonths(input: unknown): number {
  const months = (input as { months?: unknown } | null)?.months;
  if (typeof months !== 'number' || !Number.isInteger(months) || months < 1 || months > MAX_RETENTION_MONTHS)
    throw new ValidationError(`months must be a whole number from 1 to ${MAX_RETENTION_MONTHS}`, [
      { path: 'months', message: `a whole number from 1 to ${MAX_RETENTION_MONTHS}` },
    ]);
  return months;
}

export interface RecordingSearch {
  readonly from: string;
  readonly to: string;
  readonly agentId?: string;
  readonly caller?: string;
  readonly queueId?: string;
  readonly customerId?: string;
  readonly disposition?: string;
  readonly limit: number;
}

const FILTERS = ['agentId', 'caller', 'queueId', 'customerId', 'disposition'] as const;
const MAX_SEARCH_DAYS = 400;

/** A search from query parameters: an ISO time range (a day by default), filters, and a limit. */
export function parseRecordingSearch(
  query: Readonly<Record<string, string | undefined>>,
  now: Date,
): RecordingSearch {
  const problems: { path: string; message: string }[] = [];
  const time = (field: 'from' | 'to', fallback: Date): string => {
    const value = query[field];
    if (value === undefined || value === '') return fallback.toISOString();
    // A time without an offset is UTC, whatever the server's zone.
    const ms = Date.parse(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value);
    if (Number.isNaN(ms)) {
      problems.push({ path: field, message: `${field} must be a date or time (ISO 8601)` });
      return '';
    }
    return new Date(ms).toISOString();
  };
  const to = time('to', now);
  // A day back from the end of the range, by default.
  const from = time('from', new Date((Date.parse(to) || now.getTime()) - 24 * 3600_000));
  if (problems.length === 0 && from > to) problems.push({ path: 'from', message: 'from must be before to' });
  if (problems.length === 0 && Date.parse(to) - Date.parse(from) > MAX_SEARCH_DAYS * 86_400_000)
    problems.push({ path: 'from', message: `a search covers at most ${MAX_SEARCH_DAYS} days` });
  const filters: Partial<Record<(typeof FILTERS)[number], string>> = {};
  for (const field of FILTERS) {
    const value = query[field];
    if (value === undefined || value === '') continue;
    if (value.length > 100 || !/^[^#\p{Cc}]+$/u.test(value))
      problems.push({ path: field, message: `${field} must be up to 100 characters, without #` });
    else filters[field] = value;
  }
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    problems.push({ path: 'limit', message: 'limit must be a whole number from 1 to 200' });
  if (problems.length > 0) throw new ValidationError(problems.map((p) => p.message).join('; '), problems);
  return { from, to, ...filters, limit };
}

/** The entry matches every filter of the search (the index narrows by one; the rest are checked here). */
export function matches(entry: RecordingEntry, search: RecordingSearch): boolean {
  return (
    entry.startedAt >= search.from &&
    entry.startedAt <= search.to &&
    (search.agentId === undefined || entry.agentId === search.agentId) &&
    (search.caller === undefined || entry.caller === search.caller) &&
    (search.queueId === undefined || entry.queueId === search.queueId) &&
    (search.customerId === undefined || entry.customerId === search.customerId) &&
    (search.disposition === undefined || entry.disposition === search.disposition)
  );
}
