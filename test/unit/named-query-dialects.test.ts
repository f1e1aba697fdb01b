/**
 * The named report queries must run unchanged on Athena (Trino) and on DuckDB. Each test names the rule it
 * checks where the two engines differ: the Trino grammar (a real Trino parser), DuckDB's execution, and
 * DuckDB run under each setting that mimics a Trino default, with the results compared.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCdr, type StoredCall } from '../../layers/domain/cdr/call-detail-record.ts';
import { namedQueries, reportParameters } from '../../layers/domain/reports/named-queries.ts';
import { agentEventsTable, cdrTable, type LakeTable, lakeNames } from '../../layers/resources/lake.ts';

/** Trino's reserved keywords (trino.io/docs/current/language/reserved.html): quoted or never used as names. */
const TRINO_RESERVED = new Set(
  `ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE CURRENT_CATALOG CURRENT_DATE CURRENT_PATH
  CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE DELETE DESCRIBE DISTINCT
  DROP ELSE END ESCAPE EXCEPT EXECUTE EXISTS EXTRACT FALSE FOR FROM FULL GROUP GROUPING HAVING IN INNER INSERT
  INTERSECT INTO IS JOIN JSON_ARRAY JSON_EXISTS JSON_OBJECT JSON_QUERY JSON_TABLE JSON_VALUE LEFT LIKE LISTAGG
  LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE NOT NULL ON OR ORDER OUTER PREPARE RECURSIVE RIGHT ROLLUP SELECT
  SKIP TABLE THEN TRIM TRUE UESCAPE UNION UNNEST USING VALUES WHEN WHERE WITH`
    .split(/\s+/)
    .map((w) => w.toLowerCase()),
);

/** Functions both engines define with the same arguments and meaning (checked in their docs). */
const SHARED_FUNCTIONS = new Set([
  'greatest',
  'count',
  'sum',
  'avg',
  'max',
  'min',
  'round',
  'coalesce',
  'nullif',
  'substr',
  'row_number',
]);
/** Words followed by `(` that are syntax, not functions. */
const SYNTAX = new Set(['as', 'in', 'over', 'from', 'cast', 'and', 'or', 'when', 'then', 'else', 'not']);

const duckType = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

let db: DuckDBInstance;
const at = (minutes: number) => new Date(Date.parse('2026-11-20T15:00:00Z') + minutes * 60_000).toISOString();

/** Calls of tenant `t1` (and one of `t2`), with a repeated record and two versions of one call. */
function fixtureCalls(): StoredCall[] {
  const routing = (
    callId: string,
    queueId: string,
    enqueued: number,
    answered?: number,
    agentId?: string,
  ) => ({
    version: 3,
    entry: { queueId, callId, priority: 0, enqueuedAt: at(enqueued), skills: {}, declinedBy: [] },
    ...(agentId === undefined ? { state: 'gone' as const } : { state: 'gone' as const, agentId }),
    timeline: answered === undefined ? {} : { offeredAt: at(answered - 0.1), answeredAt: at(answered) },
  });
  const base = (callId: string, tenant = 't1'): StoredCall => ({
    tenant,
    callId,
    caller: '+14255550123',
    dialled: '+12065550100',
    startedAt: at(0),
    status: 'ended',
    ivrPath: ['welcome', 'main'],
  });
  const segment = (agentId: string, answered: number, ended: number) => ({
    [`${agentId}#${at(answered)}`]: {
      agentId,
      queueId: 'sales',
      offeredAt: at(answered - 0.1),
      answeredAt: at(answered),
      holdMs: 10_000,
      holdCount: 1,
      acwStartedAt: at(ended),
      acwEndedAt: at(ended + 0.5),
    },
  });
  return [
    // Answered in 12 s (within the 20 s target), 3 minutes of talk.
    {
      ...base('c1'),
      queue: { id: 'sales' },
      answeredAt: at(1.2),
      endedAt: at(4.2),
      endReason: 'caller-hung-up',
      routing: routing('c1', 'sales', 1, 1.2, 'a1'),
      lastAnsweredBy: 'a1',
      lastAnsweredAt: at(1.2),
      segments: segment('a1', 1.2, 4.2),
      disposition: { code: 'resolved' },
    },
    // Answered after 60 s: outside the target.
    {
      ...base('c2'),
      queue: { id: 'sales' },
      answeredAt: at(2),
      endedAt: at(3),
      endReason: 'other-party-hung-up',
      routing: routing('c2', 'sales', 1, 2, 'a2'),
      lastAnsweredBy: 'a2',
      lastAnsweredAt: at(2),
      segments: segment('a2', 2, 3),
    },
    // Abandoned after 40 s, and a short abandon after 3 s.
    {
      ...base('c3'),
      queue: { id: 'sales' },
      endedAt: at(1 + 40 / 60),
      endReason: 'caller-hung-up',
      routing: routing('c3', 'sales', 1),
    },
    {
      ...base('c4'),
      queue: { id: 'support' },
      endedAt: at(1.05),
      endReason: 'caller-hung-up',
      routing: routing('c4', 'support', 1),
    },
    // Ended in the menu.
    { ...base('c5'), node: 'main', endedAt: at(0.5), endReason: 'caller-hung-up' },
    // An agent's call out, answered.
    {
      ...base('c6'),
      direction: 'outbound',
      caller: '+14255550999',
      answeredAt: at(0.3),
      endedAt: at(2.3),
      routing: {
        ...routing('c6', 'sales', 0, 0.3, 'a1'),
        entry: { ...routing('c6', 'sales', 0).entry, outbound: true },
      },
      segments: segment('a1', 0.3, 2.3),
    },
    // Another tenant's call, the same day.
    { ...base('x1', 't2'), endedAt: at(1), endReason: 'caller-hung-up' },
  ];
}

function literal(value: unknown, type: keyof typeof duckType): string {
  if (value === null || value === undefined) return 'NULL';
  if (type === 'timestamp') return `TIMESTAMP '${String(value).replace('T', ' ').replace('Z', '')}'`;
  if (type === 'string') return `'${String(value).replaceAll("'", "''")}'`;
  return String(value);
}

async function createTable(table: LakeTable, rows: Record<string, unknown>[]) {
  const connection = await db.connect();
  const columns = [...table.columns, ...table.partitionKeys];
  await connection.run(
    `CREATE TABLE ${lakeNames.database}.${table.name} (${columns.map((c) => `${c.name} ${duckType[c.type]}`).join(', ')})`,
  );
  for (const row of rows)
    await connection.run(
      `INSERT INTO ${lakeNames.database}.${table.name} VALUES (${columns.map((c) => literal(row[c.name], c.type)).join(', ')})`,
    );
  connection.closeSync();
}

async function run(sql: string, parameters: string[], settings: Record<string, string> = {}) {
  const connection = await db.connect();
  try {
    for (const [name, value] of Object.entries(settings)) await connection.run(`SET ${name} = ${value}`);
    const reader = await connection.runAndReadAll(sql, parameters);
    return reader.getRowObjectsJson();
  } finally {
    connection.closeSync();
  }
}

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  const setup = await db.connect();
  await setup.run(`CREATE SCHEMA ${lakeNames.database}`);
  setup.closeSync();
  const ctx = {
    timezone: 'America/Los_Angeles',
    serviceLevelSeconds: 20,
    region: 'us-east-1',
    now: new Date(at(10)),
  };
  const calls = fixtureCalls();
  const records = calls.map((c) => buildCdr(c, 1, ctx));
  // The stream delivered c1 twice, and c2's record again as version 2 (a late segment changed it).
  const c2v2 = buildCdr({ ...(calls[1] as StoredCall), disposition: { code: 'sale' } }, 2, ctx);
  const rows: unknown[] = [...records, records[0], c2v2];
  await createTable(cdrTable, rows as Record<string, unknown>[]);
  const event = (
    agent: string,
    from: string,
    to: string,
    start: number,
    end: number,
    version: number,
    hold: number | null = null,
  ) => ({
    record_id: `agent-event:${agent}:${version}`,
    schema_version: 1,
    produced_at: at(end),
    agent_id: agent,
    agent_version: version,
    event_at: at(end),
    from_status: from,
    to_status: to,
    duration_s: (end - start) * 60,
    local_date: '2026-11-20',
    hold_s: hold,
    tenant: 't1',
    dt: '2026-11-20',
  });
  const events = [
    event('a1', 'available', 'on-call', 0, 1.2, 2),
    event('a1', 'on-call', 'after-call', 1.2, 4.2, 3),
    event('a1', 'after-call', 'not-ready', 4.2, 4.7, 4, 10),
    event('a1', 'not-ready', 'available', 4.7, 10, 5),
    event('a2', 'available', 'on-call', 0, 2, 2),
  ];
  await createTable(agentEventsTable, [...events, events[1] as Record<string, unknown>]);
});

afterAll(() => db?.closeSync());

const params = (q: (typeof namedQueries)[number]) => reportParameters(q, 't1', '2026-11-20', '2026-11-20');

describe('named queries: Athena (Trino) and DuckDB', () => {
  it.each(namedQueries.map((q) => [q.name, q] as const))('Trino grammar: %s parses as Trino SQL', (_n, q) => {
    expect(new TrinoSQL().validate(q.sql).map((e) => e.message)).toEqual([]);
  });

  it.each(namedQueries.map((q) => [q.name, q] as const))('DuckDB: %s runs', async (_n, q) => {
    await expect(run(q.sql, params(q))).resolves.toBeDefined();
  });

  it.each(namedQueries.map((q) => [q.name, q] as const))(
    'integer division (Trino: 7/2 = 3; DuckDB: 3.5): %s gives the same with DuckDB integer_division on and off',
    async (_n, q) => {
      expect(await run(q.sql, params(q), { integer_division: 'true' })).toEqual(
        await run(q.sql, params(q), { integer_division: 'false' }),
      );
    },
  );

  it.each(namedQueries.map((q) => [q.name, q] as const))(
    'null ordering (Trino sorts nulls last; DuckDB by its default_null_order): %s orders the same either way',
    async (_n, q) => {
      expect(await run(q.sql, params(q), { default_null_order: "'nulls_first'" })).toEqual(
        await run(q.sql, params(q), { default_null_order: "'nulls_last'" }),
      );
    },
  );

  it('parameters: positional ? only (Athena execution parameters; DuckDB would also take $1), as many as listed', () => {
    for (const q of namedQueries) {
      expect(q.sql, q.name).not.toMatch(/\$\d/);
      expect(q.sql.split('?').length - 1, q.name).toBe(q.parameters.length);
    }
  });

  it('functions: only ones both engines define alike (DuckDB has strftime, date_add(x, interval), list_*; Trino has date_format, date_add(unit, n, x))', () => {
    for (const q of namedQueries) {
      const called = [...q.sql.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/gi)].map((m) =>
        (m[1] as string).toLowerCase(),
      );
      const foreign = called.filter((f) => !SHARED_FUNCTIONS.has(f) && !SYNTAX.has(f));
      expect(foreign, q.name).toEqual([]);
    }
  });

  it('casts: CAST(x AS type) only (Trino has no :: and no TRY_CAST shorthand of DuckDB)', () => {
    for (const q of namedQueries) expect(q.sql, q.name).not.toMatch(/::/);
  });

  it('one statement, no semicolon (Athena runs exactly one statement per execution)', () => {
    for (const q of namedQueries) expect(q.sql, q.name).not.toContain(';');
  });

  it('timestamps: never compared with a string (Trino rejects varchar vs timestamp; DuckDB casts the string)', () => {
    const timestamps = [...cdrTable.columns, ...agentEventsTable.columns]
      .filter((c) => c.type === 'timestamp')
      .map((c) => c.name);
    for (const q of namedQueries)
      for (const column of timestamps)
        expect(q.sql, `${q.name}: ${column}`).not.toMatch(
          new RegExp(`\\b${column}\\s*(=|<|>|<=|>=|<>|BETWEEN)\\s*('|\\?)`, 'i'),
        );
  });

  it('names: lake columns are lower case (Glue lowercases them) and none is reserved in Trino or DuckDB', async () => {
    const reserved = new Set(
      (await run("SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'", [])).map(
        (r) => String(r.keyword_name).toLowerCase(),
      ),
    );
    for (const column of [...cdrTable.columns, ...agentEventsTable.columns, ...cdrTable.partitionKeys]) {
      expect(column.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(TRINO_RESERVED.has(column.name), `${column.name} is reserved in Trino`).toBe(false);
      expect(reserved.has(column.name), `${column.name} is reserved in DuckDB`).toBe(false);
    }
    for (const q of namedQueries)
      for (const alias of [...q.sql.matchAll(/\bAS\s+([a-z_][a-z0-9_]*)/gi)].map((m) =>
        (m[1] as string).toLowerCase(),
      )) {
        expect(TRINO_RESERVED.has(alias), `${q.name}: ${alias} is reserved in Trino`).toBe(false);
        expect(reserved.has(alias), `${q.name}: ${alias} is reserved in DuckDB`).toBe(false);
      }
  });

  it('tenant scope and partition pruning: every read of a lake table filters its tenant and dt range', () => {
    for (const q of namedQueries) {
      const reads = [
        ...q.sql.matchAll(new RegExp(`FROM ${lakeNames.database}\\.(\\w+) (\\w+)\\s+WHERE (.*)`, 'g')),
      ];
      expect(reads.length, q.name).toBeGreaterThan(0);
      for (const [, , alias, where] of reads)
        expect(where, q.name).toBe(`${alias}.tenant = ? AND ${alias}.dt BETWEEN ? AND ?`);
      expect(q.sql.match(new RegExp(`${lakeNames.database}\\.`, 'g'))?.length, q.name).toBe(reads.length);
    }
  });
});

describe('named queries: figures on DuckDB', () => {
  const report = async (name: string) => {
    const q = namedQueries.find((n) => n.name === name);
    if (q === undefined) throw new Error(name);
    return run(q.sql, params(q));
  };

  it('counts each call once, the latest version, and only the tenant’s', async () => {
    const [day] = await report('daily-traffic');
    expect(day).toMatchObject({
      call_date: '2026-11-20',
      calls: '6',
      inbound: '5',
      outbound: '1',
      answered: '3',
      abandoned: '2',
      ended_in_ivr: '1',
    });
    const inbound = await report('inbound-detail');
    expect(inbound.map((r) => r.call_id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(inbound.find((r) => r.call_id === 'c2')?.disposition_code).toBe('sale');
  });

  it('service level = answered in target ÷ (answered + abandoned after target), short abandons apart', async () => {
    const rows = await report('queue-service-level');
    const sales = rows.find((r) => r.queue_id === 'sales');
    // c1 in target, c2 not, c3 abandoned after 40 s: 1 / (2 + 1).
    expect(sales).toMatchObject({
      queued: '3',
      answered: '2',
      answered_in_target: '1',
      abandoned: '1',
      short_abandoned: '0',
    });
    expect(Number(sales?.service_level)).toBeCloseTo(1 / 3, 4);
    expect(Number(sales?.asa_s)).toBeCloseTo((12 + 60) / 2, 1);
    expect(rows.find((r) => r.queue_id === 'support')).toMatchObject({
      abandoned: '1',
      short_abandoned: '1',
    });
  });

  it('agent performance: calls, time and the agent’s own hold from the agent events (each once)', async () => {
    const a1 = (await report('agent-performance')).find((r) => r.agent_id === 'a1');
    // a1's events: one call answered (on-call 180 s, the repeated event counts once), its own hold of 10 s
    // on the event that ends its wrap-up, 30 s of wrap-up, and 72 s available before it.
    expect(a1).toMatchObject({ calls: '1' });
    expect(Number(a1?.hold_s)).toBeCloseTo(10, 1);
    expect(Number(a1?.talk_s)).toBeCloseTo(180 - 10, 1);
    expect(Number(a1?.acw_s)).toBeCloseTo(30, 1);
    expect(Number(a1?.staffed_s)).toBeCloseTo(72 + 180 + 30, 1);
    expect(Number(a1?.occupancy)).toBeCloseTo((180 + 30) / 282, 3);
  });

  it('IVR drop-off: calls that ended in the flow, by their last node', async () => {
    expect(await report('ivr-drop-off')).toEqual([
      { node: 'main', ended_here: '1', share_of_inbound: 0.2, avg_ivr_s: 30 },
    ]);
  });
});
