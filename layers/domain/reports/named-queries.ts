/**
 * The reports, as named SQL queries over the lake (tables: layers/resources/lake.ts). The same text runs
 * on Athena (Trino) on AWS and on DuckDB locally, so it keeps to what both accept the same way; the rules
 * are checked by test/unit/named-query-dialects.test.ts. Every query takes the tenant and the date range
 * as `?` parameters, in the order `parameters` lists them, and reads one row per call — the highest
 * record_version of each call_id — so duplicates in the stream never count twice.
 *
 * Dates are the tenant's local dates (local_date). The lake is partitioned by UTC date (dt), so each
 * query also prunes partitions with a UTC range one day wider on each side.
 */
import { lakeNames } from '../../resources/lake.ts';

export type ReportParameter = 'tenant' | 'dtFrom' | 'dtTo' | 'from' | 'to';

export interface NamedQuery {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Placeholders, in order of their `?` in the text. */
  readonly parameters: readonly ReportParameter[];
  readonly sql: string;
  /** A report with one row per call (detail) rather than totals. */
  readonly detail: boolean;
}

const db = lakeNames.database;

/** One row per call of the tenant in the range: the latest version of each call's record. */
const CALLS = `calls AS (
  SELECT *
  FROM (
    SELECT c.*,
      row_number() OVER (PARTITION BY c.call_id ORDER BY c.record_version DESC, c.record_id DESC) AS version_rank
    FROM ${db}.cdr c
    WHERE c.tenant = ? AND c.dt BETWEEN ? AND ?
  ) ranked
  WHERE version_rank = 1 AND local_date BETWEEN ? AND ?
)`;

/** One row per agent event (a redelivered event is the same record_id). */
const AGENT_EVENTS = `agent_events AS (
  SELECT *
  FROM (
    SELECT e.*,
      row_number() OVER (PARTITION BY e.record_id ORDER BY e.produced_at DESC) AS copy_rank
    FROM ${db}.agent_events e
    WHERE e.tenant = ? AND e.dt BETWEEN ? AND ?
  ) ranked
  WHERE copy_rank = 1 AND local_date BETWEEN ? AND ?
)`;

const RANGE: readonly ReportParameter[] = ['tenant', 'dtFrom', 'dtTo', 'from', 'to'];

/** The traffic figures of a group of calls (a day, a month, a year, an hour). */
const TRAFFIC = `count(*) AS calls,
  sum(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END) AS inbound,
  sum(CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END) AS outbound,
  sum(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered,
  sum(CASE WHEN abandoned THEN 1 ELSE 0 END) AS abandoned,
  sum(CASE WHEN outcome = 'ivr' THEN 1 ELSE 0 END) AS ended_in_ivr,
  sum(transfer_count) AS transfers,
  round(avg(CASE WHEN answered_at IS NOT NULL THEN talk_s + hold_s + coalesce(acw_s, 0) END), 1) AS avg_handle_s,
  round(sum(cost_total_usd), 4) AS cost_usd`;

const trafficBy = (
  name: string,
  title: string,
  key: string,
  alias: string,
  description: string,
): NamedQuery => ({
  name,
  title,
  description,
  parameters: RANGE,
  detail: false,
  sql: `WITH ${CALLS}
SELECT ${key} AS ${alias},
  ${TRAFFIC}
FROM calls
GROUP BY ${key}
ORDER BY ${alias} ASC NULLS LAST`,
});

const DETAIL_COLUMNS = `call_id, started_at, caller_number, called_number, initiation, outcome, queue_id, last_queue_id, agent_id,
  wait_s, talk_s, hold_s, hold_count, acw_s, transfer_count, disposition_code, disconnect_reason,
  recording_location, recording_pause_count, recording_paused_s, cost_total_usd`;

const detail = (direction: 'inbound' | 'outbound', title: string): NamedQuery => ({
  name: `${direction}-detail`,
  title,
  description: `Every ${direction} call in the range, one row each, oldest first (up to 10,000 rows).`,
  parameters: RANGE,
  detail: true,
  sql: `WITH ${CALLS}
SELECT ${DETAIL_COLUMNS}
FROM calls
WHERE direction = '${direction}'
ORDER BY started_at ASC NULLS LAST, call_id ASC
LIMIT 10000`,
});

export const namedQueries: readonly NamedQuery[] = [
  trafficBy('daily-traffic', 'Daily traffic', 'local_date', 'call_date', 'Calls per day of the range.'),
  trafficBy(
    'monthly-traffic',
    'Monthly traffic',
    'substr(local_date, 1, 7)',
    'call_month',
    'Calls per month.',
  ),
  trafficBy('yearly-traffic', 'Yearly traffic', 'substr(local_date, 1, 4)', 'call_year', 'Calls per year.'),
  trafficBy(
    'hourly-traffic',
    'Traffic by hour',
    'local_hour',
    'call_hour',
    'Calls by hour of the day (the range added up), in the tenant timezone.',
  ),
  detail('inbound', 'Inbound calls'),
  detail('outbound', 'Outbound calls'),
  {
    name: 'queue-service-level',
    title: 'Queue service level',
    description:
      'Per queue: calls queued, answered, answered within the target, abandoned (short abandons apart), ' +
      'service level = answered within target ÷ (answered + abandoned after target), average speed of answer.',
    parameters: RANGE,
    detail: false,
    sql: `WITH ${CALLS}
SELECT queue_id,
  count(*) AS queued,
  sum(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered,
  sum(CASE WHEN answered_within_target THEN 1 ELSE 0 END) AS answered_in_target,
  sum(CASE WHEN abandoned THEN 1 ELSE 0 END) AS abandoned,
  sum(CASE WHEN short_abandon THEN 1 ELSE 0 END) AS short_abandoned,
  round(
    CAST(sum(CASE WHEN answered_within_target THEN 1 ELSE 0 END) AS DOUBLE)
    / nullif(
      sum(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END)
      + sum(CASE WHEN abandoned AND NOT short_abandon AND wait_s > sl_target_s THEN 1 ELSE 0 END),
      0
    ),
    4
  ) AS service_level,
  round(avg(CASE WHEN answered_at IS NOT NULL THEN wait_s END), 2) AS asa_s,
  round(
    CAST(sum(CASE WHEN abandoned THEN 1 ELSE 0 END) AS DOUBLE) / nullif(count(*), 0),
    4
  ) AS abandon_rate,
  max(sl_target_s) AS target_s
FROM calls
WHERE enqueued_at IS NOT NULL AND queue_id IS NOT NULL
GROUP BY queue_id
ORDER BY queue_id ASC NULLS LAST`,
  },
  {
    name: 'agent-performance',
    title: 'Agent performance',
    description:
      'Per agent, from the agent events: calls answered, talk (time on calls less hold), hold and ' +
      'after-call work of the agent’s own part of each call, average handle time, and occupancy = (on ' +
      'calls + after-call) ÷ (logged-in time less not-ready time).',
    parameters: RANGE,
    detail: false,
    sql: `WITH ${AGENT_EVENTS},
worked AS (
  SELECT agent_id,
    sum(CASE WHEN to_status = 'on-call' THEN 1 ELSE 0 END) AS calls,
    sum(CASE WHEN from_status = 'on-call' THEN duration_s ELSE 0 END) AS on_call_s,
    sum(coalesce(hold_s, 0)) AS hold_s,
    sum(CASE WHEN from_status = 'after-call' THEN duration_s ELSE 0 END) AS acw_s,
    sum(CASE WHEN from_status IN ('available', 'reserved', 'on-call', 'after-call') THEN duration_s ELSE 0 END)
      AS staffed_s,
    sum(CASE WHEN from_status = 'not-ready' THEN duration_s ELSE 0 END) AS not_ready_s
  FROM agent_events
  GROUP BY agent_id
)
SELECT agent_id,
  calls,
  round(greatest(on_call_s - hold_s, 0), 1) AS talk_s,
  round(hold_s, 1) AS hold_s,
  round(acw_s, 1) AS acw_s,
  round((on_call_s + acw_s) / nullif(CAST(calls AS DOUBLE), 0), 1) AS avg_handle_s,
  round(staffed_s, 1) AS staffed_s,
  round(not_ready_s, 1) AS not_ready_s,
  round((on_call_s + acw_s) / nullif(staffed_s, 0), 4) AS occupancy
FROM worked
ORDER BY agent_id ASC NULLS LAST`,
  },
  {
    name: 'ivr-drop-off',
    title: 'IVR drop-off',
    description:
      'Where inbound callers left the IVR without reaching a queue, a person or voicemail: per last flow ' +
      'node, the calls that ended there and their share of all inbound calls.',
    parameters: RANGE,
    detail: false,
    sql: `WITH ${CALLS},
inbound AS (
  SELECT count(*) AS total FROM calls WHERE direction = 'inbound'
)
SELECT c.ivr_last_node AS node,
  count(*) AS ended_here,
  round(CAST(count(*) AS DOUBLE) / nullif(max(i.total), 0), 4) AS share_of_inbound,
  round(avg(c.ivr_s), 1) AS avg_ivr_s
FROM calls c
CROSS JOIN inbound i
WHERE c.direction = 'inbound' AND c.outcome = 'ivr'
GROUP BY c.ivr_last_node
ORDER BY ended_here DESC, node ASC NULLS LAST`,
  },
];

export function namedQuery(name: string): NamedQuery | undefined {
  return namedQueries.find((q) => q.name === name);
}

/** The parameter values of a report over local dates `from`..`to` (yyyy-mm-dd, inclusive). */
export function reportParameters(query: NamedQuery, tenant: string, from: string, to: string): string[] {
  const shift = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const values: Record<ReportParameter, string> = {
    tenant,
    dtFrom: shift(from, -1),
    dtTo: shift(to, 1),
    from,
    to,
  };
  return query.parameters.map((p) => values[p]);
}
