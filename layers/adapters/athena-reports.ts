/**
 * Runs a named report query on Athena (DuckDB behind the same API in the local cloud): the query text
 * with its parameters as execution parameters — never spliced into the text — in the Openline workgroup,
 * results written under the tenant's prefix of the lake bucket, then read back page by page and typed.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { OpenlineError } from '../domain/errors.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { objectKeys } from '../resources/buckets.ts';
import { lakeNames } from '../resources/lake.ts';

export interface ReportColumn {
  readonly name: string;
  readonly type: string;
}

export type ReportValue = string | number | boolean | null;

export interface ReportResult {
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly (readonly ReportValue[])[];
  readonly queryExecutionId: string;
  readonly scannedBytes: number;
  readonly engineMs: number;
}

/** The query did not finish in time (an API request has about 29 s). */
export class ReportTimeoutError extends OpenlineError {
  readonly status = 504;
  constructor() {
    super('the report took too long; try a shorter date range');
  }
}

/** The query engine failed the query (the detail is logged, not shown). */
export class ReportFailedError extends OpenlineError {
  readonly status = 502;
  override readonly expose = false;
}

const POLL_MS = [100, 200, 300, 500, 800, 1_000];

export class AthenaReports {
  constructor(
    private readonly athena: AthenaClient,
    private readonly lakeBucket: string,
    private readonly timeoutMs = 25_000,
  ) {}

  async run(tenant: TenantId, sql: string, parameters: readonly string[]): Promise<ReportResult> {
    const started = await this.athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: lakeNames.workgroup,
        QueryExecutionContext: { Database: lakeNames.database },
        ExecutionParameters: parameters.map(literal),
        ResultConfiguration: {
          OutputLocation: `s3://${this.lakeBucket}/${objectKeys.queryResults(tenant)}`,
        },
      }),
    );
    const id = started.QueryExecutionId as string;
    const deadline = Date.now() + this.timeoutMs;
    for (let poll = 0; ; poll++) {
      const execution = (await this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })))
        .QueryExecution;
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED')
        return {
          ...(await this.results(id)),
          queryExecutionId: id,
          scannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0,
          engineMs: execution?.Statistics?.EngineExecutionTimeInMillis ?? 0,
        };
      if (state === 'FAILED' || state === 'CANCELLED')
        throw new ReportFailedError(execution?.Status?.StateChangeReason ?? String(state).toLowerCase());
      if (Date.now() > deadline) {
        await this.athena
          .send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
          .catch(() => undefined);
        throw new ReportTimeoutError();
      }
      await new Promise((r) => setTimeout(r, POLL_MS[Math.min(poll, POLL_MS.length - 1)]));
    }
  }

  private async results(id: string): Promise<Pick<ReportResult, 'columns' | 'rows'>> {
    let columns: ReportColumn[] = [];
    const rows: ReportValue[][] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.athena.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: token }),
      );
      if (first)
        columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => ({
          name: c.Name ?? '',
          type: c.Type ?? 'varchar',
        }));
      const data = page.ResultSet?.Rows ?? [];
      // The first row of a SELECT's first page repeats the column names.
      for (const row of first ? data.slice(1) : data)
        rows.push((row.Data ?? []).map((cell, i) => typed(cell.VarCharValue, columns[i]?.type)));
      first = false;
      token = page.NextToken;
    } while (token !== undefined);
    return { columns, rows };
  }
}

/** A parameter as the SQL literal Athena substitutes for its `?` (a quoted string; quotes doubled). */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function typed(value: string | undefined, type: string | undefined): ReportValue {
  if (value === undefined) return null;
  switch (type) {
    case 'bigint':
    case 'integer':
    case 'smallint':
    case 'tinyint':
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return Number(value);
    case 'boolean':
      return value === 'true';
    default:
      return value;
  }
}
