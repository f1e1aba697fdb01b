/**
 * Call detail records in the lake, as an analyst sees them: the named report `inbound-detail` (which keeps
 * the highest record_version of each call) must show every placed call exactly once, and nothing else.
 * The raw rows are counted too: Firehose (and its local stand-in) does not de-duplicate, so a fault that
 * duplicated stream records shows there as extra copies that the report must not count.
 */
import { AthenaReports } from '../../layers/adapters/athena-reports.ts';
import type { AwsClients } from '../../layers/config/aws-clients.ts';
import type { OpenlineConfig } from '../../layers/config/config.ts';
import { namedQuery, reportParameters } from '../../layers/domain/reports/named-queries.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { lakeNames } from '../../layers/resources/lake.ts';

export interface LakeRows {
  /** Report rows per call id. */
  readonly reportRows: Map<string, number>;
  /** Raw lake rows per call id (copies included). */
  readonly rawRows: Map<string, number>;
}

export async function lakeRows(
  clients: AwsClients,
  config: OpenlineConfig,
  tenant: string,
): Promise<LakeRows> {
  const reports = new AthenaReports(clients.athena, config.buckets.lake);
  const id = tenantId(tenant);
  const day = (shift: number) => new Date(Date.now() + shift * 86_400_000).toISOString().slice(0, 10);
  const detail = namedQuery('inbound-detail');
  if (detail === undefined) throw new Error('no named query inbound-detail');
  const report = await reports.run(id, detail.sql, reportParameters(detail, tenant, day(-1), day(1)));
  const callColumn = report.columns.findIndex((c) => c.name === 'call_id');
  const raw = await reports.run(
    id,
    `SELECT call_id, count(*) AS copies FROM ${lakeNames.database}.cdr WHERE tenant = ? GROUP BY call_id`,
    [tenant],
  );
  const reportRows = new Map<string, number>();
  for (const row of report.rows) {
    const callId = String(row[callColumn]);
    reportRows.set(callId, (reportRows.get(callId) ?? 0) + 1);
  }
  return { reportRows, rawRows: new Map(raw.rows.map((r) => [String(r[0]), Number(r[1])])) };
}

/** Calls the report shows other than once (missing, twice, or not placed at all). */
export function duplicateOrMissingRows(rows: LakeRows, callIds: readonly string[]): string[] {
  const problems: string[] = [];
  for (const callId of callIds) {
    const n = rows.reportRows.get(callId) ?? 0;
    if (n !== 1) problems.push(`${callId}: ${n} report rows`);
  }
  const placed = new Set(callIds);
  for (const callId of rows.reportRows.keys())
    if (!placed.has(callId)) problems.push(`${callId}: a report row for a call nobody placed`);
  return problems;
}

/** Waits until every call has a report row (the pipeline takes a few seconds), then reads the rows. */
export async function settledLakeRows(
  clients: AwsClients,
  config: OpenlineConfig,
  tenant: string,
  callIds: readonly string[],
  timeoutMs: number,
): Promise<LakeRows> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await lakeRows(clients, config, tenant);
    if (callIds.every((c) => rows.reportRows.has(c)) || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
