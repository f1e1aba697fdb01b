import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../layers/domain/errors.ts';
import { entityId, tenantId } from '../../layers/domain/tenancy/ids.ts';
import {
  configKeys,
  type Key,
  liveKeys,
  recordingKeys,
  recordingsTable,
  tables,
} from '../../layers/resources/index.ts';

const tenantA = tenantId('acme');
const tenantB = tenantId('acme-2');

/** Calls every key builder that takes a tenant with sample arguments. */
function tenantKeys(tenant: ReturnType<typeof tenantId>): Key[] {
  return [
    configKeys.tenant(tenant),
    configKeys.phoneNumber(tenant, '+15550100'),
    configKeys.user(tenant, 'u1'),
    configKeys.flowDraft(tenant, 'main'),
    configKeys.flowVersion(tenant, 'main', 3),
    configKeys.flowPublished(tenant, 'main'),
    configKeys.queue(tenant, 'sales'),
    configKeys.agentProfile(tenant, 'a1'),
    configKeys.queueMember(tenant, 'sales', 'a1'),
    configKeys.businessHours(tenant, 'default'),
    configKeys.codes(tenant, 'disposition'),
    configKeys.apiKey(tenant, 'k1'),
    configKeys.webhook(tenant, 'w1'),
    configKeys.limits(tenant),
    configKeys.recordingSettings(tenant),
    liveKeys.agentState(tenant, 'a1'),
    liveKeys.agentConnection(tenant, 'a1', 'c1'),
    liveKeys.supervisorConnection(tenant, 'c1'),
    liveKeys.availability(tenant, 'sales', '0001', 'a1'),
    liveKeys.queueEntry(tenant, 'sales', 5, '2026-11-22T10:00:00.000Z', 'call1'),
    liveKeys.call(tenant, 'call1'),
    liveKeys.countedCall(tenant, 'call1'),
    liveKeys.intervalCounters(tenant, '2026-11-22', 'sales', '1015'),
    liveKeys.smaInvocation(tenant, 'call1', 'evt'),
    liveKeys.idempotency(tenant, 'api', 'k'),
    liveKeys.counters(tenant, '2026-11-22', 'sales', '1015'),
    liveKeys.concurrentCalls(tenant, 3),
    liveKeys.tenantRateWindow(tenant, 'api', '202611221015'),
    recordingKeys.recording(tenant, '2026-11-22T10:00:00.000Z', 'call1'),
    recordingKeys.byCall(tenant, 'call1'),
  ];
}

describe('tenant-scoped keys', () => {
  it('puts every tenant item in a partition that is exactly T#<tenant> or starts with T#<tenant>#', () => {
    for (const key of tenantKeys(tenantA)) {
      expect(key.pk === 'T#acme' || key.pk.startsWith('T#acme#'), key.pk).toBe(true);
    }
  });

  it('never gives two tenants the same partition, even when one id is a prefix of the other', () => {
    const a = new Set(tenantKeys(tenantA).map((k) => k.pk));
    for (const key of tenantKeys(tenantB)) expect(a.has(key.pk), key.pk).toBe(false);
  });

  it('scopes every recording search index to the tenant', () => {
    const indexes = recordingKeys.searchIndexes(tenantA, '2026-11-22T10:00:00.000Z', 'c1', {
      agentId: 'a1',
      caller: '+15550100',
      queueId: 'q',
      customerId: 'cust',
      disposition: 'sale',
    });
    const partitions = Object.entries(indexes).filter(([name]) => name.endsWith('pk'));
    expect(partitions).toHaveLength(5);
    for (const [, value] of partitions) expect(value.startsWith('T#acme#REC#')).toBe(true);
    // Every GSI the keys write is declared on the table.
    const declared = recordingsTable.indexes.flatMap((i) => [i.partitionKey.name, i.sortKey.name]);
    for (const name of Object.keys(indexes)) expect(declared).toContain(name);
  });

  it('keeps directories (the only un-prefixed items) free of tenant data', () => {
    expect(configKeys.numberDirectory('+15550100').pk).toBe('DIR#NUMBER#+15550100');
    expect(configKeys.emailDirectory(' Ada@Example.com ').pk).toBe('DIR#EMAIL#ada@example.com');
    expect(liveKeys.connectionDirectory('abc=').pk).toBe('DIR#CONN#abc=');
  });

  it('rejects ids that could forge a key part', () => {
    expect(() => tenantId('acme#CALL')).toThrow(ValidationError);
    expect(() => tenantId('AC')).toThrow(/3-40 characters/);
    expect(() => entityId('agent', 'a#b')).toThrow(/agent id/);
    expect(entityId('agent', 'agent_7-b')).toBe('agent_7-b');
  });
});

describe('sort orders', () => {
  it('orders queue entries by priority, then by age', () => {
    const sk = (priority: number, at: string) => liveKeys.queueEntry(tenantA, 'q', priority, at, 'c').sk;
    const sorted = [
      sk(1, '2026-11-22T10:00:00.000Z'),
      sk(9, '2026-11-22T10:05:00.000Z'),
      sk(9, '2026-11-22T10:01:00.000Z'),
      sk(0, '2026-11-22T09:00:00.000Z'),
    ].sort();
    expect(sorted).toEqual([
      sk(9, '2026-11-22T10:01:00.000Z'),
      sk(9, '2026-11-22T10:05:00.000Z'),
      sk(1, '2026-11-22T10:00:00.000Z'),
      sk(0, '2026-11-22T09:00:00.000Z'),
    ]);
  });

  it('orders flow versions numerically', () => {
    const v = (n: number) => configKeys.flowVersion(tenantA, 'main', n).sk;
    expect([v(10), v(9), v(100)].sort()).toEqual([v(9), v(10), v(100)]);
  });
});

describe('table definitions', () => {
  it('declare unique ids, env vars and index names', () => {
    expect(new Set(tables.map((t) => t.id)).size).toBe(tables.length);
    expect(new Set(tables.map((t) => t.envVar)).size).toBe(tables.length);
    for (const table of tables) {
      expect(new Set(table.indexes.map((i) => i.name)).size).toBe(table.indexes.length);
    }
  });
});
