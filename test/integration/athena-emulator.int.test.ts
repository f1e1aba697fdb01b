/**
 * The local Athena emulator, driven only through the official client with an endpoint override: lake
 * files written with parquetFile into an S3 emulator of this file's own, then queries with execution
 * parameters, paging, Athena's types and texts, failures, idempotency, lake changes between queries, an
 * empty table, and the sandbox (no local files, no statements but queries).
 */
import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecution,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AthenaEmulator, startAthenaEmulator } from '../../infra/local/athena/athena-emulator.ts';
import { ParquetRowError, parquetFile } from '../../infra/local/athena/parquet-rows.ts';
import { localCredentials } from '../../infra/local/local-credentials.ts';
import { type S3Emulator, startS3Emulator } from '../../infra/local/s3-emulator.ts';
import { agentEventsTable, cdrTable, type LakeTable, lakeTables } from '../../layers/resources/lake.ts';

const BUCKET = 'athena-emulator-lake';
const DATABASE = 'openline_lake';
const WORKGROUP = 'openline';

let s3Emulator: S3Emulator | undefined;
let athenaEmulator: AthenaEmulator | undefined;
let s3: S3Client;
let athena: AthenaClient;

/** A cdr row with every column present; `overrides` replaces some. */
function cdrRow(callId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    record_id: `cdr:${callId}:1`,
    record_version: 1n,
    schema_version: 1,
    produced_at: '2026-11-20T10:05:00.000Z',
    call_id: callId,
    direction: 'inbound',
    outcome: 'answered',
    started_at: new Date('2026-11-20T10:00:00.123Z'),
    talk_s: 60.5,
    hold_count: 0,
    answered_within_target: true,
    abandoned: false,
    cost_total_usd: 0.0125,
    price_table: '2026-11-01',
    ...overrides,
  };
}

/** cdr as it was before two of its columns existed: files written then lack them. */
const oldCdrTable: LakeTable = {
  ...cdrTable,
  columns: cdrTable.columns.filter((c) => c.name !== 'cost_total_usd' && c.name !== 'price_table'),
};

/** The Athena type each declared column must come back as. */
const athenaTypes = {
  string: 'varchar',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
};
const declaredTypes = (table: LakeTable) =>
  Object.fromEntries([...table.columns, ...table.partitionKeys].map((c) => [c.name, athenaTypes[c.type]]));

async function putLakeFile(key: string, table: LakeTable, rows: Record<string, unknown>[]): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: parquetFile(table, rows) }));
}

beforeAll(async () => {
  s3Emulator = await startS3Emulator({ port: 0, dataDir: undefined });
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: s3Emulator.endpoint,
    credentials: localCredentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await putLakeFile('cdr/tenant=a/dt=2026-11-20/part-1.parquet', cdrTable, [
    cdrRow('c1'),
    cdrRow('c2', { outcome: 'abandoned', talk_s: null, abandoned: true, answered_within_target: null }),
    cdrRow('c3', { talk_s: 30, caller_number: 'it\'s "quoted", with commas' }),
  ]);
  await putLakeFile('cdr/tenant=a/dt=2026-11-21/part-1.parquet', oldCdrTable, [
    cdrRow('c4', { started_at: '2026-11-21T23:59:59.999Z', talk_s: 9.5, record_version: 2 }),
  ]);
  await putLakeFile('cdr/tenant=a/dt=2026-11-22/part-1.parquet', cdrTable, [cdrRow('c5', { talk_s: 1000 })]);
  await putLakeFile('cdr/tenant=b/dt=2026-11-20/part-1.parquet', cdrTable, [cdrRow('c6')]);
  // Not lake files: a hidden file and an object outside the partition layout.
  await putLakeFile('cdr/tenant=b/dt=2026-11-20/_SUCCESS', cdrTable, [cdrRow('hidden')]);
  await putLakeFile('cdr/stray.parquet', cdrTable, [cdrRow('stray')]);

  athenaEmulator = await startAthenaEmulator({
    host: '127.0.0.1',
    port: 0,
    s3,
    lakeBucket: BUCKET,
    database: DATABASE,
    workgroup: WORKGROUP,
    tables: lakeTables,
  });
  athena = new AthenaClient({
    region: 'us-east-1',
    endpoint: athenaEmulator.endpoint,
    credentials: localCredentials,
  });
});

afterAll(async () => {
  athena?.destroy();
  await athenaEmulator?.stop();
  s3?.destroy();
  await s3Emulator?.stop();
});

interface QueryRun {
  execution: QueryExecution;
  columns: ColumnInfo[];
  /** The header row as Athena returns it first. */
  header: (string | undefined)[];
  /** Data rows; SQL NULL is undefined. */
  rows: (string | undefined)[][];
  pages: number;
}

const startOn = (
  client: AthenaClient,
  sql: string,
  params?: string[],
  extra: Partial<StartQueryExecutionCommandInput> = {},
) =>
  client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      QueryExecutionContext: { Database: DATABASE },
      WorkGroup: WORKGROUP,
      ...(params === undefined ? {} : { ExecutionParameters: params }),
      ...extra,
    }),
  );

const start = (sql: string, params?: string[], extra: Partial<StartQueryExecutionCommandInput> = {}) =>
  startOn(athena, sql, params, extra);

async function finished(id: string | undefined, client = athena): Promise<QueryExecution> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { QueryExecution: execution } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: id }),
    );
    const state = execution?.Status?.State;
    if (state !== 'QUEUED' && state !== 'RUNNING') return execution ?? {};
    if (Date.now() > deadline) throw new Error(`query ${id} still ${state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a query, polls it to its end and reads every page of its results when it succeeded. */
async function runQuery(
  client: AthenaClient,
  sql: string,
  params?: string[],
  options: { maxResults?: number; extra?: Partial<StartQueryExecutionCommandInput> } = {},
): Promise<QueryRun> {
  const { QueryExecutionId: id } = await startOn(client, sql, params, options.extra);
  const execution = await finished(id, client);
  const run: QueryRun = { execution, columns: [], header: [], rows: [], pages: 0 };
  if (execution.Status?.State !== 'SUCCEEDED') return run;
  let nextToken: string | undefined;
  const all: (string | undefined)[][] = [];
  do {
    const page = await client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: id,
        MaxResults: options.maxResults,
        NextToken: nextToken,
      }),
    );
    run.pages++;
    run.columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    for (const row of page.ResultSet?.Rows ?? [])
      all.push((row.Data ?? []).map((datum) => datum.VarCharValue));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  run.header = all[0] ?? [];
  run.rows = all.slice(1);
  return run;
}

async function succeeded(sql: string, params?: string[], maxResults?: number): Promise<QueryRun> {
  const run = await runQuery(athena, sql, params, { maxResults });
  expect(run.execution.Status?.StateChangeReason).toBeUndefined();
  expect(run.execution.Status?.State).toBe('SUCCEEDED');
  return run;
}

async function invalidRequest(request: Promise<unknown>): Promise<InvalidRequestException> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidRequestException);
  const typed = error as InvalidRequestException;
  expect(typed.$metadata.httpStatusCode).toBe(400);
  return typed;
}

const typesOf = (run: QueryRun) => Object.fromEntries(run.columns.map((c) => [c.Name, c.Type]));

describe('queries over the lake', () => {
  it('aggregates with execution parameters over partition columns and reports statistics', async () => {
    const run = await succeeded(
      `SELECT tenant, count(*) AS calls, sum(talk_s) AS talk, sum(record_version) AS versions,
              max(started_at) AS last_start, min(dt) AS first_day
       FROM ${DATABASE}.cdr WHERE tenant = ? AND dt BETWEEN ? AND ? GROUP BY tenant`,
      ["'a'", "'2026-11-20'", " '2026-11-21' "],
    );
    expect(run.header).toEqual(['tenant', 'calls', 'talk', 'versions', 'last_start', 'first_day']);
    expect(run.rows).toEqual([['a', '4', '100.0', '5', '2026-11-21 23:59:59.999', '2026-11-20']]);
    expect(typesOf(run)).toEqual({
      tenant: 'varchar',
      calls: 'bigint',
      talk: 'double',
      versions: 'bigint',
      last_start: 'timestamp',
      first_day: 'varchar',
    });
    const { Status, Statistics, ExecutionParameters, WorkGroup, Query } = run.execution;
    expect(WorkGroup).toBe(WORKGROUP);
    expect(Query).toContain('WHERE tenant = ?');
    expect(ExecutionParameters).toEqual(["'a'", "'2026-11-20'", " '2026-11-21' "]);
    expect(Status?.SubmissionDateTime).toBeInstanceOf(Date);
    expect(Status?.CompletionDateTime?.getTime()).toBeGreaterThanOrEqual(
      Status?.SubmissionDateTime?.getTime() ?? 0,
    );
    expect(Statistics?.DataScannedInBytes).toBeGreaterThan(0);
    expect(Statistics?.EngineExecutionTimeInMillis).toBeGreaterThanOrEqual(0);
  });

  it("returns every column type's values as Athena's text, nulls as empty data, missing columns as null", async () => {
    const run = await succeeded(
      `SELECT call_id, record_version, talk_s, cost_total_usd, answered_within_target, started_at,
              produced_at, caller_number, price_table, tenant, dt,
              DATE '2026-11-20' AS d, 7 AS i, 1e10 AS big, CAST(1.5 AS DECIMAL(10, 2)) AS dec
       FROM "${DATABASE}"."cdr" WHERE call_id IN (?, ?, ?) ORDER BY call_id`,
      ["'c2'", "'c3'", "'c4'"],
    );
    expect(typesOf(run)).toEqual({
      call_id: 'varchar',
      record_version: 'bigint',
      talk_s: 'double',
      cost_total_usd: 'double',
      answered_within_target: 'boolean',
      started_at: 'timestamp',
      produced_at: 'timestamp',
      caller_number: 'varchar',
      price_table: 'varchar',
      tenant: 'varchar',
      dt: 'varchar',
      d: 'date',
      i: 'integer',
      big: 'double',
      dec: 'decimal',
    });
    const common = ['2026-11-20', '7', '1.0E10', '1.50'];
    expect(run.rows).toEqual([
      [
        'c2',
        '1',
        undefined,
        '0.0125',
        undefined,
        '2026-11-20 10:00:00.123',
        '2026-11-20 10:05:00.000',
        undefined,
        '2026-11-01',
        'a',
        '2026-11-20',
        ...common,
      ],
      [
        'c3',
        '1',
        '30.0',
        '0.0125',
        'true',
        '2026-11-20 10:00:00.123',
        '2026-11-20 10:05:00.000',
        'it\'s "quoted", with commas',
        '2026-11-01',
        'a',
        '2026-11-20',
        ...common,
      ],
      // Written before price_table and the cost columns existed.
      [
        'c4',
        '2',
        '9.5',
        undefined,
        'true',
        '2026-11-21 23:59:59.999',
        '2026-11-20 10:05:00.000',
        undefined,
        undefined,
        'a',
        '2026-11-21',
        ...common,
      ],
    ]);
    // A null is a Datum without VarCharValue, as Athena sends `{}`.
    const { QueryExecutionId } = await start(`SELECT CAST(NULL AS VARCHAR) AS n`);
    await finished(QueryExecutionId);
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId }));
    expect(page.ResultSet?.Rows?.[1]?.Data).toEqual([{}]);
  });

  it('pages results with MaxResults and NextToken, the header row first', async () => {
    const run = await succeeded(`SELECT call_id FROM ${DATABASE}.cdr ORDER BY call_id`, undefined, 2);
    expect(run.pages).toBe(4);
    expect(run.header).toEqual(['call_id']);
    expect(run.rows.map((row) => row[0])).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);

    const { QueryExecutionId } = await start(`SELECT call_id FROM ${DATABASE}.cdr ORDER BY call_id`);
    await finished(QueryExecutionId);
    const first = await athena.send(new GetQueryResultsCommand({ QueryExecutionId, MaxResults: 3 }));
    expect(first.ResultSet?.Rows?.map((row) => row.Data?.[0]?.VarCharValue)).toEqual(['call_id', 'c1', 'c2']);
    const second = await athena.send(
      new GetQueryResultsCommand({ QueryExecutionId, MaxResults: 1000, NextToken: first.NextToken }),
    );
    expect(second.ResultSet?.Rows?.map((row) => row.Data?.[0]?.VarCharValue)).toEqual([
      'c3',
      'c4',
      'c5',
      'c6',
    ]);
    expect(second.NextToken).toBeUndefined();
    await invalidRequest(athena.send(new GetQueryResultsCommand({ QueryExecutionId, MaxResults: 1001 })));
    await invalidRequest(
      athena.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken: 'nonsense' })),
    );
  });

  it('shows a table with no files as empty, with its declared columns and the partition columns last', async () => {
    const run = await succeeded(`SELECT * FROM ${DATABASE}.agent_events`);
    expect(run.rows).toEqual([]);
    expect(run.header).toEqual([...agentEventsTable.columns.map((c) => c.name), 'tenant', 'dt']);
    expect(typesOf(run)).toEqual(declaredTypes(agentEventsTable));
    expect(run.execution.Statistics?.DataScannedInBytes).toBe(0);
    // Tables with files have the declared types too, whatever the files hold.
    expect(typesOf(await succeeded(`SELECT * FROM ${DATABASE}.cdr LIMIT 0`))).toEqual(
      declaredTypes(cdrTable),
    );
  });

  it('sees files added and deleted since the previous query', async () => {
    const count = `SELECT count(*) AS calls FROM ${DATABASE}.cdr WHERE tenant = ?`;
    expect((await succeeded(count, ["'b'"])).rows).toEqual([['1']]);
    const key = 'cdr/tenant=b/dt=2026-11-23/part-2.parquet';
    await putLakeFile(key, cdrTable, [cdrRow('c7'), cdrRow('c8')]);
    expect((await succeeded(count, ["'b'"])).rows).toEqual([['3']]);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await succeeded(count, ["'b'"])).rows).toEqual([['1']]);

    const agentKey = 'agent_events/tenant=b/dt=2026-11-23/part-1.parquet';
    await putLakeFile(agentKey, agentEventsTable, [
      {
        record_id: 'agent-event:u1:3',
        agent_version: 3,
        produced_at: '2026-11-23T08:00:00Z',
        to_status: 'available',
      },
    ]);
    const events = await succeeded(
      `SELECT agent_version, produced_at, to_status, duration_s FROM ${DATABASE}.agent_events`,
    );
    expect(events.rows).toEqual([['3', '2026-11-23 08:00:00.000', 'available', undefined]]);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: agentKey }));
  });

  it('resolves unqualified names in the context database only', async () => {
    await succeeded('SELECT count(*) FROM cdr');
    await succeeded(`SELECT count(*) FROM "awsdatacatalog"."${DATABASE}"."cdr"`);
    const without = await runQuery(athena, 'SELECT count(*) FROM cdr', undefined, {
      extra: { QueryExecutionContext: {} },
    });
    expect(without.execution.Status?.State).toBe('FAILED');
    const elsewhere = await runQuery(athena, 'SELECT 1', undefined, {
      extra: { QueryExecutionContext: { Database: 'nope' } },
    });
    expect(elsewhere.execution.Status?.StateChangeReason).toContain("Schema 'nope' does not exist");
  });

  it('writes the results as CSV under the OutputLocation', async () => {
    const run = await runQuery(
      athena,
      `SELECT call_id, talk_s, caller_number FROM ${DATABASE}.cdr WHERE call_id IN ('c2', 'c3')
                                ORDER BY call_id`,
      undefined,
      {
        extra: { ResultConfiguration: { OutputLocation: `s3://${BUCKET}/query-results/tenant=a/` } },
      },
    );
    const location = run.execution.ResultConfiguration?.OutputLocation ?? '';
    expect(location).toBe(`s3://${BUCKET}/query-results/tenant=a/${run.execution.QueryExecutionId}.csv`);
    const object = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: location.slice(`s3://${BUCKET}/`.length) }),
    );
    expect(await object.Body?.transformToString()).toBe(
      '"call_id","talk_s","caller_number"\n"c2",,\n"c3","30.0","it\'s ""quoted"", with commas"\n',
    );
  });
});

describe('failures', () => {
  it('fails a query DuckDB rejects, with the reason, and has no results for it', async () => {
    const run = await runQuery(athena, `SELECT no_such_column FROM ${DATABASE}.cdr`);
    expect(run.execution.Status?.State).toBe('FAILED');
    expect(run.execution.Status?.StateChangeReason).toMatch(/^Binder Error: .*no_such_column/);
    expect(run.execution.Status?.AthenaError?.ErrorCategory).toBe(2);
    const error = await invalidRequest(
      athena.send(new GetQueryResultsCommand({ QueryExecutionId: run.execution.QueryExecutionId })),
    );
    expect(error.message).toContain('FAILED');
    // Athena's types: a varchar partition value is not a date.
    const typed = await runQuery(athena, `SELECT count(*) FROM ${DATABASE}.cdr WHERE dt BETWEEN ? AND ?`, [
      "DATE '2026-11-01'",
      "date '2026-11-30'",
    ]);
    expect(typed.execution.Status?.State).toBe('FAILED');
  });

  it('refuses parameters that are not literals, and fails on a placeholder count mismatch', async () => {
    for (const bad of ["'a' OR 1=1", 'a', "'a'' OR ''1", '1; DROP TABLE x', 'now()', "'a' --", ''])
      await invalidRequest(start(`SELECT count(*) FROM ${DATABASE}.cdr WHERE tenant = ?`, [bad]));

    const literals = await succeeded(
      `SELECT '?' AS q, "call_id" AS "?", ? AS s, ? AS n, ? AS m, ? AS d, ? AS t /* ? */ -- ?
       FROM ${DATABASE}.cdr WHERE call_id = 'c1'`,
      ["'it''s'", '-42', '2.50', "DATE '2026-11-20'", "TIMESTAMP '2026-11-20 10:00:00.5'"],
    );
    expect(literals.header).toEqual(['q', '?', 's', 'n', 'm', 'd', 't']);
    expect(literals.rows).toEqual([
      ['?', 'c1', "it's", '-42', '2.50', '2026-11-20', '2026-11-20 10:00:00.500'],
    ]);
    // `x -?` with a negative number must not turn into a comment.
    expect((await succeeded('SELECT 1 -?', ['-1'])).rows).toEqual([['2']]);

    const mismatch = await runQuery(
      athena,
      `SELECT count(*) FROM ${DATABASE}.cdr WHERE tenant = ? AND dt = ?`,
      ["'a'"],
    );
    expect(mismatch.execution.Status?.State).toBe('FAILED');
    expect(mismatch.execution.Status?.StateChangeReason).toContain(
      'Incorrect number of parameters: expected 2 but found 1',
    );
  });

  it('knows only its workgroup', async () => {
    const error = await invalidRequest(start('SELECT 1', undefined, { WorkGroup: 'primary' }));
    expect(error.message).toContain('primary');
    await invalidRequest(
      athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })), // 'primary' too
    );
    await invalidRequest(athena.send(new GetQueryExecutionCommand({ QueryExecutionId: 'no-such-id' })));
  });

  it('returns the same execution for the same ClientRequestToken', async () => {
    const token = `token-${crypto.randomUUID()}`;
    const first = await start('SELECT 1 AS one', undefined, { ClientRequestToken: token });
    const again = await start('SELECT 1 AS one', undefined, { ClientRequestToken: token });
    expect(again.QueryExecutionId).toBe(first.QueryExecutionId);
    await invalidRequest(start('SELECT 2 AS two', undefined, { ClientRequestToken: token }));
    const other = await start('SELECT 1 AS one');
    expect(other.QueryExecutionId).not.toBe(first.QueryExecutionId);
  });

  it('stops a running query', async () => {
    // Minutes of work for DuckDB: the stop must interrupt it, or the next query would wait behind it.
    const { QueryExecutionId } = await start('SELECT count(*) FROM range(100000000000) a');
    let state: string | undefined;
    while (state !== 'RUNNING') {
      const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
      state = QueryExecution?.Status?.State;
    }
    await new Promise((r) => setTimeout(r, 100));
    await athena.send(new StopQueryExecutionCommand({ QueryExecutionId }));
    const execution = await finished(QueryExecutionId);
    expect(execution.Status?.State).toBe('CANCELLED');
    await invalidRequest(athena.send(new GetQueryResultsCommand({ QueryExecutionId })));
    expect((await succeeded('SELECT 1 AS still_working')).rows).toEqual([['1']]);
  });
});

describe('sandbox', () => {
  it('cannot read local files', async () => {
    for (const sql of [
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/passwd')",
      "SELECT * FROM glob('/*')",
      "SELECT * FROM read_parquet('/etc/../etc/passwd')",
    ]) {
      const run = await runQuery(athena, sql);
      expect(run.execution.Status?.State, sql).toBe('FAILED');
      expect(run.execution.Status?.StateChangeReason, sql).toMatch(/disabled by configuration/);
    }
  });

  it('runs only queries', async () => {
    for (const sql of [
      "COPY (SELECT 1) TO '/tmp/athena-emulator-copy.csv'",
      "ATTACH '/tmp/athena-emulator.db' AS x",
      'INSTALL httpfs',
      'LOAD httpfs',
      'SET enable_external_access = true',
      'PRAGMA version',
      'CREATE TABLE t AS SELECT 1',
      `DROP VIEW ${DATABASE}.cdr`,
      `INSERT INTO ${DATABASE}.cdr SELECT * FROM ${DATABASE}.cdr`,
      `FROM ${DATABASE}.cdr`,
      'SELECT 1; SELECT 2',
      "SELECT 1; COPY (SELECT 1) TO '/tmp/athena-emulator-copy.csv'",
      `WITH x AS (SELECT 1) INSERT INTO ${DATABASE}.cdr SELECT * FROM x`,
      '/* comment */ -- line\n SET threads = 1',
    ])
      await invalidRequest(start(sql));
  });
});

describe('parquetFile', () => {
  it('refuses values of the wrong type', () => {
    expect(() => parquetFile(cdrTable, [{ record_version: 1.5 }])).toThrow(ParquetRowError);
    expect(() => parquetFile(cdrTable, [{ talk_s: '3' }])).toThrow(ParquetRowError);
    expect(() => parquetFile(cdrTable, [{ abandoned: 'yes' }])).toThrow(ParquetRowError);
    expect(() => parquetFile(cdrTable, [{ started_at: 'yesterday' }])).toThrow(ParquetRowError);
    expect(() => parquetFile(cdrTable, [{ call_id: 42 }])).toThrow(/call_id/);
    expect(parquetFile(cdrTable, []).byteLength).toBeGreaterThan(0);
  });
});
