/**
 * DynamoDB tables, declared once. The CDK constructs (infra/constructs/state-tables.ts) and the local
 * bootstrap (infra/local/bootstrap-resources.ts) both build their tables from these definitions, so AWS and
 * the local cloud cannot drift. Key builders live in ./keys.ts; the access patterns in ./ACCESS-PATTERNS.md.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** Attributes copied into the index besides the keys; 'ALL' when the index serves whole items. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition {
  /** Stable id used in code, CDK construct ids and local physical names. */
  readonly id: string;
  /** Environment variable through which handlers learn the physical table name. */
  readonly envVar: string;
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item after it. */
  readonly ttlAttribute: string;
  readonly stream: 'NEW_AND_OLD_IMAGES' | 'NONE';
  /**
   * `global`: replicated to every deployed region (configuration the standby region needs at once).
   * `regional`: one copy per region, so conditional writes are decided in exactly one region.
   */
  readonly replication: 'global' | 'regional';
}

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };
const gsi = (n: number): IndexDefinition => ({
  name: `gsi${n}`,
  partitionKey: { name: `gsi${n}pk`, type: 'S' },
  sortKey: { name: `gsi${n}sk`, type: 'S' },
  projection: 'ALL',
});

/** Tenants, users, numbers, flows, queues, agent profiles, hours, codes, API keys, webhooks. */
export const configTable = {
  id: 'config',
  envVar: 'OPENLINE_CONFIG_TABLE',
  description: 'Tenant configuration and the global directories (number → tenant, email → user).',
  partitionKey: pk,
  sortKey: sk,
  indexes: [gsi(1)],
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  replication: 'global',
} as const satisfies TableDefinition;

/** Agent state and availability hints, queue entries, calls, connections, idempotency, counters. */
export const liveTable = {
  id: 'live',
  envVar: 'OPENLINE_LIVE_TABLE',
  description: 'Live contact-center state; every reservation is a conditional write here.',
  partitionKey: pk,
  sortKey: sk,
  indexes: [gsi(1), gsi(2)],
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  replication: 'regional',
} as const satisfies TableDefinition;

/** The recordings index: one item per recording, searchable by time, agent, caller, queue, customer, disposition. */
export const recordingsTable = {
  id: 'recordings',
  envVar: 'OPENLINE_RECORDINGS_TABLE',
  description:
    'Recording metadata with the indexes that recording search needs, and when each recording expires.',
  partitionKey: pk,
  sortKey: sk,
  // gsi1-5: search by agent, caller, queue, customer, disposition; gsi6: expiry by day (the retention sweep).
  indexes: [gsi(1), gsi(2), gsi(3), gsi(4), gsi(5), gsi(6)],
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  replication: 'global',
} as const satisfies TableDefinition;

export const tables = [configTable, liveTable, recordingsTable] as const;
