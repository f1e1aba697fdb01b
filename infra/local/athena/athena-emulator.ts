/**
 * A local Amazon Athena API backed by DuckDB, so handlers run the real `@aws-sdk/client-athena` with only
 * the endpoint overridden (`AWS_ENDPOINT_URL_ATHENA`). It speaks the JSON 1.1 protocol (POST /,
 * `X-Amz-Target: AmazonAthena.<Operation>`) and serves StartQueryExecution, GetQueryExecution,
 * GetQueryResults and StopQueryExecution for one Glue database and one workgroup. Queries run one at a
 * time, after start has answered: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED.
 *
 * The tables are views over the lake bucket's Parquet files (lake-views.ts); execution parameters are
 * substituted as checked literals (execution-parameters.ts); results come back in Athena's types and text
 * (athena-results.ts), with the header row first as Athena does, and as `<id>.csv` under the
 * OutputLocation when one is given.
 *
 * Sandbox: DuckDB can read any local file (read_csv('/etc/passwd'), glob('/*')), and Athena must not.
 * The instance is opened with external access disabled except for its own cache folder
 * (`allowed_directories` + `enable_external_access = false`: the lake views read only there, and so can a
 * query, which only ever finds lake files), and `lock_configuration = true` so no statement can undo that.
 * On top of it, a query must start with SELECT, WITH, VALUES or `(`, and DuckDB's own parser must find
 * exactly one statement, of type SELECT: COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CREATE, DROP, INSERT…
 * are refused with InvalidRequestException before they reach the engine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  StatementType,
} from '@duckdb/node-api';
import type { LakeTable } from '../../../layers/resources/lake.ts';
import { type AthenaColumnInfo, athenaValue, columnInfo, resultCsv } from './athena-results.ts';
import {
  bindExecutionParameters,
  ExecutionParameterError,
  leadingKeyword,
  ParameterCountError,
  parameterLiterals,
} from './execution-parameters.ts';
import { LakeViews, stringLiteral } from './lake-views.ts';

export interface AthenaEmulatorOptions {
  host: '127.0.0.1';
  /** 0 = any free port. */
  port: number;
  /** A client for the S3 emulator (s3rver), already configured. */
  s3: S3Client;
  /** Bucket holding the lake files. */
  lakeBucket: string;
  /** Glue database name, e.g. 'openline_lake'. */
  database: string;
  /** The only workgroup that exists, e.g. 'openline'. */
  workgroup: string;
  tables: readonly LakeTable[];
}

export interface AthenaEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The Glue Data Catalog's name, the only catalog there is. */
const CATALOG = 'AwsDataCatalog';
/** GetQueryResults page size: Athena's default and maximum. */
const MAX_RESULTS = 1000;
const MAX_QUERY_LENGTH = 262_144;
const MAX_BODY_BYTES = 1 << 20;
/** Finished executions kept for GetQueryExecution/GetQueryResults; older ones are forgotten. */
const RETAINED_EXECUTIONS = 1000;
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', '(']);
/** DuckDB's parser, without binding or running anything: it serializes SELECT statements only. */
const PARSE_SQL = 'SELECT json_serialize_sql(?::VARCHAR)';

type State = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** AthenaError's category (1 system, 2 user) and type (100 internal, 1000 user error, 1006 parameters). */
interface AthenaError {
  ErrorCategory: 1 | 2;
  ErrorType: number;
  Retryable: boolean;
  ErrorMessage: string;
}

interface Execution {
  readonly id: string;
  readonly request: StartRequest;
  /** The literals of ExecutionParameters, in order (checked at start). */
  readonly literals: readonly string[];
  readonly submittedAt: number;
  state: State;
  startedAt?: number;
  completedAt?: number;
  reason?: string;
  error?: AthenaError;
  engineMillis: number;
  scannedBytes: number;
  columns?: AthenaColumnInfo[];
  /** Header row first, then the data rows. */
  rows?: (string | null)[][];
}

interface StartRequest {
  readonly queryString: string;
  readonly workgroup: string;
  readonly database: string | undefined;
  readonly catalog: string | undefined;
  readonly parameters: readonly string[] | undefined;
  readonly outputLocation: string | undefined;
  readonly clientRequestToken: string | undefined;
}

/** An error answered as AWS JSON: `{ "__type": ..., "Message": ... }`. */
class AthenaApiError extends Error {
  override readonly name = 'AthenaApiError';
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const invalidRequest = (message: string) => new AthenaApiError('InvalidRequestException', message);

export async function startAthenaEmulator(o: AthenaEmulatorOptions): Promise<AthenaEmulator> {
  const workDir = await mkdtemp(join(tmpdir(), 'openline-athena-'));
  const cacheDir = join(workDir, 'lake');
  let engine: Engine | undefined;
  try {
    engine = await Engine.open(o, workDir, cacheDir);
    const server = await listen(o.host, o.port, engine);
    const port = (server.address() as AddressInfo).port;
    const running = engine;
    return {
      endpoint: `http://${o.host}:${port}`,
      async stop() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await running.close();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await engine?.close();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

function listen(host: string, port: number, engine: Engine): Promise<Server> {
  const server = createServer((req, res) => {
    void serve(engine, req, res);
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function serve(engine: Engine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    if (req.method !== 'POST') throw new AthenaApiError('UnknownOperationException', 'Use POST /', 404);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonAthena.') ? target.slice('AmazonAthena.'.length) : '';
    const body = await readJson(req);
    const reply = await engine.handle(operation, body);
    send(res, 200, requestId, reply);
  } catch (error) {
    if (error instanceof AthenaApiError) {
      send(res, error.status, requestId, { __type: error.type, Message: error.message }, error.type);
    } else {
      process.stderr.write(`[athena-emulator] ${(error as Error).stack ?? String(error)}\n`);
      const type = 'InternalServerException';
      send(res, 500, requestId, { __type: type, Message: 'Internal service failure' }, type);
    }
  }
}

function send(res: ServerResponse, status: number, requestId: string, body: unknown, errorType?: string) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AthenaApiError('SerializationException', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AthenaApiError('SerializationException', 'Request body is not a JSON object');
}

/** The executions, the DuckDB instance and the one-at-a-time runner. */
class Engine {
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  /** Parses run one at a time on their connection. */
  private parsing: Promise<unknown> = Promise.resolve();
  /** The execution whose DuckDB statement is running (StopQueryExecution interrupts it). */
  private interruptible: { id: string; connection: DuckDBConnection } | undefined;
  private closed = false;

  private constructor(
    private readonly o: AthenaEmulatorOptions,
    private readonly instance: DuckDBInstance,
    /** Runs queries whose context is the lake database (unqualified table names resolve there). */
    private readonly lakeConnection: DuckDBConnection,
    /** Runs queries without that context: like Athena's `default` database, it has no tables. */
    private readonly defaultConnection: DuckDBConnection,
    /** Parses queries at start while another one may be running. */
    private readonly parseConnection: DuckDBConnection,
    private readonly lake: LakeViews,
  ) {}

  static async open(o: AthenaEmulatorOptions, workDir: string, cacheDir: string): Promise<Engine> {
    const instance = await DuckDBInstance.create(':memory:');
    const connections: DuckDBConnection[] = [];
    try {
      for (let i = 0; i < 3; i++) connections.push(await instance.connect());
      const [lakeConnection, defaultConnection, parseConnection] = connections as [
        DuckDBConnection,
        DuckDBConnection,
        DuckDBConnection,
      ];
      const catalog = CATALOG.toLowerCase();
      const schema = `${catalog}."${o.database.replaceAll('"', '""')}"`;
      // Settings first, then the lock: afterwards no statement can change them (see the file comment).
      await lakeConnection.run(
        [
          `SET temp_directory = ${stringLiteral(join(workDir, 'spill'))}`,
          `SET allowed_directories = [${stringLiteral(`${cacheDir}/`)}]`,
          `SET enable_external_access = false`,
          'SET autoinstall_known_extensions = false',
          'SET autoload_known_extensions = false',
          // Athena's sessions are in UTC (and DuckDB's TIMESTAMPTZ casts follow this zone).
          `SET GLOBAL TimeZone = 'UTC'`,
          // A local tool: bounded memory, spilling to the private temp folder beyond it.
          `SET memory_limit = '1GB'`,
          `ATTACH ':memory:' AS ${catalog}`,
          `CREATE SCHEMA ${schema}`,
          `CREATE SCHEMA ${catalog}."default"`,
        ].join(';\n'),
      );
      await lakeConnection.run(`USE ${schema}`);
      await defaultConnection.run(`USE ${catalog}."default"`);
      await parseConnection.run(`USE ${schema}`);
      await lakeConnection.run('SET lock_configuration = true');
      const lake = new LakeViews({
        s3: o.s3,
        bucket: o.lakeBucket,
        cacheDir,
        catalog,
        database: o.database,
        tables: o.tables,
      });
      // Every table exists from the start, empty until its first query sees files.
      await lake.createEmptyViews(lakeConnection);
      return new Engine(o, instance, lakeConnection, defaultConnection, parseConnection, lake);
    } catch (error) {
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.interruptible !== undefined) this.interruptible.connection.interrupt();
    for (const execution of this.executions.values())
      if (execution.state === 'QUEUED') this.finish(execution, 'CANCELLED', 'The emulator stopped');
    await this.queue;
    for (const connection of [this.lakeConnection, this.defaultConnection, this.parseConnection])
      connection.closeSync();
    this.instance.closeSync();
  }

  handle(operation: string, body: Record<string, unknown>): Promise<unknown> | unknown {
    switch (operation) {
      case 'StartQueryExecution':
        return this.start(body);
      case 'GetQueryExecution':
        return { QueryExecution: this.describe(this.execution(body)) };
      case 'GetQueryResults':
        return this.results(body);
      case 'StopQueryExecution':
        return this.stopExecution(body);
      default:
        throw new AthenaApiError(
          'UnknownOperationException',
          `The local Athena emulator does not implement ${operation || 'this operation'}`,
        );
    }
  }

  private async start(body: Record<string, unknown>): Promise<{ QueryExecutionId: string }> {
    const request = startRequest(body);
    if (request.workgroup !== this.o.workgroup)
      throw invalidRequest(`WorkGroup ${request.workgroup} is not found.`);
    if (request.clientRequestToken !== undefined) {
      const id = this.tokens.get(request.clientRequestToken);
      const previous = id === undefined ? undefined : this.executions.get(id);
      if (previous !== undefined) {
        if (!sameRequest(previous.request, request))
          throw invalidRequest(
            'ClientRequestToken was already used for a different request: change the token for a new query',
          );
        return { QueryExecutionId: previous.id };
      }
    }
    let literals: string[];
    try {
      literals = parameterLiterals(request.parameters ?? []);
    } catch (error) {
      if (error instanceof ExecutionParameterError) throw invalidRequest(error.message);
      throw error;
    }
    const keyword = leadingKeyword(request.queryString);
    if (!QUERY_KEYWORDS.has(keyword))
      throw invalidRequest(
        `The local Athena emulator runs only queries (SELECT, WITH, VALUES), not ${keyword || 'an empty statement'}`,
      );
    const parse = this.parsing.then(() =>
      this.parseConnection.runAndReadAll(PARSE_SQL, [request.queryString]),
    );
    this.parsing = parse.catch(() => undefined);
    const parsed = parseResult(String((await parse).getRowsJS()[0]?.[0] ?? '{}'));
    // A syntax error is the query's own failure (the run reports it); other statements are refused here.
    if (parsed.notSelect)
      throw invalidRequest(`The local Athena emulator runs only queries (SELECT, WITH, VALUES)`);
    if (parsed.statements > 1) throw invalidRequest('Only one sql statement is allowed.');

    const execution: Execution = {
      id: randomUUID(),
      request,
      literals,
      submittedAt: Date.now(),
      state: 'QUEUED',
      engineMillis: 0,
      scannedBytes: 0,
    };
    this.executions.set(execution.id, execution);
    if (request.clientRequestToken !== undefined) this.tokens.set(request.clientRequestToken, execution.id);
    this.forgetOldExecutions();
    this.queue = this.queue.then(() => this.run(execution));
    return { QueryExecutionId: execution.id };
  }

  private async run(execution: Execution): Promise<void> {
    if (execution.state !== 'QUEUED' || this.closed) return;
    execution.state = 'RUNNING';
    execution.startedAt = Date.now();
    const { request } = execution;
    // Without a context database Athena resolves unqualified names in `default`, which has no tables.
    const connection = request.database === this.o.database ? this.lakeConnection : this.defaultConnection;
    try {
      if (request.catalog !== undefined && request.catalog.toLowerCase() !== CATALOG.toLowerCase())
        throw new QueryFailure(`CATALOG_NOT_FOUND: Catalog '${request.catalog}' does not exist`);
      if (
        request.database !== undefined &&
        request.database !== this.o.database &&
        request.database !== 'default'
      )
        throw new QueryFailure(`SCHEMA_NOT_FOUND: Schema '${request.database}' does not exist`);
      try {
        await this.lake.update(this.lakeConnection);
      } catch (error) {
        throw new QueryFailure(`Could not read the lake: ${(error as Error).message}`, {
          ErrorCategory: 1,
          ErrorType: 100,
          Retryable: true,
        });
      }
      if (execution.state !== 'RUNNING') return;
      let sql: string;
      try {
        sql = bindExecutionParameters(request.queryString, execution.literals);
      } catch (error) {
        if (error instanceof ParameterCountError)
          throw new QueryFailure(`INVALID_PARAMETER_USAGE: line 1:1: ${error.message}`, {
            ErrorCategory: 2,
            ErrorType: 1006,
            Retryable: false,
          });
        throw error;
      }
      // The statement checked is the one that runs: one statement, a SELECT, parsed by DuckDB.
      const statements = await connection.extractStatements(sql);
      if (statements.count !== 1) throw new QueryFailure('Only one sql statement is allowed.');
      const prepared = await statements.prepare(0);
      const engineStart = performance.now();
      let reader: DuckDBResultReader;
      try {
        if (prepared.statementType !== StatementType.SELECT)
          throw new QueryFailure('The local Athena emulator runs only queries (SELECT)');
        this.interruptible = { id: execution.id, connection };
        reader = await prepared.runAndReadAll();
      } finally {
        this.interruptible = undefined;
        prepared.destroySync();
      }
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const rows = reader
        .getRows()
        .map((row) => types.map((type, index) => athenaValue(row[index] ?? null, type)));
      execution.engineMillis = Math.round(performance.now() - engineStart);
      execution.scannedBytes = this.lake.bytesOf(referencedTables(sql, this.o.tables));
      if (execution.state !== 'RUNNING') return;
      if (request.outputLocation !== undefined) await this.writeCsv(execution, names, rows);
      execution.columns = types.map((type, index) => columnInfo(names[index] ?? '', type));
      execution.rows = [names, ...rows];
      this.finish(execution, 'SUCCEEDED');
    } catch (error) {
      if (execution.state !== 'RUNNING') return;
      if (error instanceof QueryFailure) {
        this.finish(execution, 'FAILED', error.message, error.athenaError);
      } else {
        this.finish(execution, 'FAILED', engineMessage(error), {
          ErrorCategory: 2,
          ErrorType: 1000,
          Retryable: false,
        });
      }
    }
  }

  private async writeCsv(execution: Execution, names: string[], rows: (string | null)[][]): Promise<void> {
    const location = resultLocation(execution);
    const parsed = location === undefined ? undefined : /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
    if (parsed === undefined || parsed === null)
      throw new QueryFailure(`Invalid OutputLocation: ${execution.request.outputLocation}`);
    try {
      await this.o.s3.send(
        new PutObjectCommand({
          Bucket: parsed[1],
          Key: parsed[2],
          Body: resultCsv(names, rows),
          ContentType: 'text/csv',
        }),
      );
    } catch (error) {
      throw new QueryFailure(
        `Unable to write the query results to ${location}: ${(error as Error).message}`,
        {
          ErrorCategory: 2,
          ErrorType: 1000,
          Retryable: false,
        },
      );
    }
  }

  private finish(
    execution: Execution,
    state: State,
    reason?: string,
    error?: Omit<AthenaError, 'ErrorMessage'>,
  ) {
    execution.state = state;
    execution.completedAt = Date.now();
    if (reason !== undefined) execution.reason = reason;
    if (error !== undefined && reason !== undefined) execution.error = { ...error, ErrorMessage: reason };
  }

  private stopExecution(body: Record<string, unknown>): Record<string, never> {
    const execution = this.execution(body);
    if (execution.state === 'QUEUED' || execution.state === 'RUNNING') {
      this.finish(execution, 'CANCELLED', 'Query was cancelled by the user');
      if (this.interruptible?.id === execution.id) this.interruptible.connection.interrupt();
    }
    return {};
  }

  private results(body: Record<string, unknown>): unknown {
    const execution = this.execution(body);
    const maxResults = optionalInteger(body, 'MaxResults') ?? MAX_RESULTS;
    if (maxResults < 1 || maxResults > MAX_RESULTS)
      throw invalidRequest(
        `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: ` +
          `Member must have value between 1 and ${MAX_RESULTS}`,
      );
    if (execution.state === 'QUEUED' || execution.state === 'RUNNING')
      throw invalidRequest(`Query has not yet finished. Current state: ${execution.state}`);
    if (execution.state !== 'SUCCEEDED' || execution.rows === undefined)
      throw invalidRequest(`Query did not finish successfully. Final query state: ${execution.state}`);
    const offset = pageOffset(optionalString(body, 'NextToken'), execution.id);
    const rows = execution.rows.slice(offset, offset + maxResults);
    const next = offset + rows.length;
    return {
      UpdateCount: 0,
      ResultSet: {
        Rows: rows.map((row) => ({
          Data: row.map((value) => (value === null ? {} : { VarCharValue: value })),
        })),
        ResultSetMetadata: { ColumnInfo: execution.columns ?? [] },
      },
      ...(next < execution.rows.length ? { NextToken: pageToken(execution.id, next) } : {}),
    };
  }

  private execution(body: Record<string, unknown>): Execution {
    const id = requiredString(body, 'QueryExecutionId');
    const execution = this.executions.get(id);
    if (execution === undefined) throw invalidRequest(`QueryExecution ${id} was not found`);
    return execution;
  }

  private describe(execution: Execution): unknown {
    const { request } = execution;
    const end = execution.completedAt ?? Date.now();
    const queued = (execution.startedAt ?? end) - execution.submittedAt;
    const location = resultLocation(execution);
    return {
      QueryExecutionId: execution.id,
      Query: request.queryString,
      StatementType: 'DML',
      SubstatementType: 'SELECT',
      ...(location === undefined ? {} : { ResultConfiguration: { OutputLocation: location } }),
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
      QueryExecutionContext: {
        ...(request.database === undefined ? {} : { Database: request.database }),
        ...(request.catalog === undefined ? {} : { Catalog: request.catalog }),
      },
      Status: {
        State: execution.state,
        ...(execution.reason === undefined ? {} : { StateChangeReason: execution.reason }),
        SubmissionDateTime: execution.submittedAt / 1000,
        ...(execution.completedAt === undefined ? {} : { CompletionDateTime: execution.completedAt / 1000 }),
        ...(execution.error === undefined ? {} : { AthenaError: execution.error }),
      },
      Statistics: {
        EngineExecutionTimeInMillis: execution.engineMillis,
        DataScannedInBytes: execution.scannedBytes,
        TotalExecutionTimeInMillis: end - execution.submittedAt,
        QueryQueueTimeInMillis: queued,
        ServicePreProcessingTimeInMillis: 0,
        QueryPlanningTimeInMillis: 0,
        ServiceProcessingTimeInMillis: 0,
        ResultReuseInformation: { ReusedPreviousResult: false },
      },
      WorkGroup: request.workgroup,
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
      ...(request.parameters === undefined ? {} : { ExecutionParameters: request.parameters }),
    };
  }

  private forgetOldExecutions(): void {
    if (this.executions.size <= RETAINED_EXECUTIONS) return;
    for (const execution of this.executions.values()) {
      if (this.executions.size <= RETAINED_EXECUTIONS) break;
      if (execution.state === 'QUEUED' || execution.state === 'RUNNING') continue;
      this.executions.delete(execution.id);
      const token = execution.request.clientRequestToken;
      if (token !== undefined) this.tokens.delete(token);
    }
  }
}

/** DuckDB's message, without the client library's prefix (e.g. "Failed to extract statements: "). */
function engineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Failed to [a-z ]+: (?=[A-Z][A-Za-z ]* Error: )/, '').trim();
}

/** A query that fails (state FAILED), with the AthenaError to report. */
class QueryFailure extends Error {
  override readonly name = 'QueryFailure';
  constructor(
    message: string,
    readonly athenaError: Omit<AthenaError, 'ErrorMessage'> = {
      ErrorCategory: 2,
      ErrorType: 1000,
      Retryable: false,
    },
  ) {
    super(message);
  }
}

function startRequest(body: Record<string, unknown>): StartRequest {
  const queryString = requiredString(body, 'QueryString');
  if (queryString.length > MAX_QUERY_LENGTH)
    throw invalidRequest(`QueryString must be at most ${MAX_QUERY_LENGTH} characters`);
  const context = optionalObject(body, 'QueryExecutionContext');
  const resultConfiguration = optionalObject(body, 'ResultConfiguration');
  const parameters = body.ExecutionParameters;
  if (
    parameters !== undefined &&
    (!Array.isArray(parameters) || parameters.length === 0 || parameters.some((p) => typeof p !== 'string'))
  )
    throw invalidRequest('ExecutionParameters must be a non-empty list of strings');
  return {
    queryString,
    workgroup: optionalString(body, 'WorkGroup') ?? 'primary',
    database: context === undefined ? undefined : optionalString(context, 'Database'),
    catalog: context === undefined ? undefined : optionalString(context, 'Catalog'),
    parameters: parameters as string[] | undefined,
    outputLocation:
      resultConfiguration === undefined ? undefined : optionalString(resultConfiguration, 'OutputLocation'),
    clientRequestToken: optionalString(body, 'ClientRequestToken'),
  };
}

/** What json_serialize_sql found: the number of statements, or a statement that is not a SELECT. */
function parseResult(json: string): { statements: number; notSelect: boolean } {
  const parsed = JSON.parse(json) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (parsed.error === true)
    return { statements: 1, notSelect: /Only SELECT statements/i.test(parsed.error_message ?? '') };
  return { statements: parsed.statements?.length ?? 0, notSelect: false };
}

function sameRequest(a: StartRequest, b: StartRequest): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `<OutputLocation>/<id>.csv`, where Athena puts a query's results. */
function resultLocation(execution: Execution): string | undefined {
  const base = execution.request.outputLocation;
  if (base === undefined) return undefined;
  return `${base.endsWith('/') ? base : `${base}/`}${execution.id}.csv`;
}

/**
 * Lake tables the query mentions (a word match: DataScannedInBytes is approximate and counts every file
 * of each table, whatever its partition filters).
 */
function referencedTables(sql: string, tables: readonly LakeTable[]): string[] {
  return tables
    .filter((table) => new RegExp(`\\b${table.name}\\b`, 'i').test(sql))
    .map((table) => table.name);
}

const pageToken = (id: string, offset: number): string =>
  Buffer.from(JSON.stringify({ id, offset })).toString('base64url');

function pageOffset(token: string | undefined, id: string): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      id?: unknown;
      offset?: unknown;
    };
    if (
      parsed.id === id &&
      typeof parsed.offset === 'number' &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0
    )
      return parsed.offset;
  } catch {
    // answered below
  }
  throw invalidRequest('The NextToken is not valid for this query execution');
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name} is required`);
  return value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${name} must be a string`);
  return value;
}

function optionalInteger(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidRequest(`${name} must be an integer`);
  return value;
}

function optionalObject(body: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${name} must be an object`);
  return value as Record<string, unknown>;
}
