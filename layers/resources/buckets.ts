/**
 * S3 buckets and the object layout inside them, declared once. Every object key starts with the tenant,
 * so an IAM condition, a lifecycle rule or a lake partition can always be scoped to one tenant.
 */

export interface BucketDefinition {
  readonly id: string;
  readonly envVar: string;
  readonly description: string;
  /** Objects hold personal data (call audio, caller numbers): encrypt with a customer key on AWS. */
  readonly sensitive: boolean;
  /** Replicate to the disaster-recovery region. */
  readonly replicate: boolean;
}

export const recordingsBucket = {
  id: 'recordings',
  envVar: 'OPENLINE_RECORDINGS_BUCKET',
  description: 'Call recordings and voicemail, kept for the tenant retention (14 months by default).',
  sensitive: true,
  replicate: true,
} as const satisfies BucketDefinition;

export const lakeBucket = {
  id: 'lake',
  envVar: 'OPENLINE_LAKE_BUCKET',
  description: 'The CDR data lake (partitioned Parquet) and query results.',
  sensitive: true,
  replicate: false,
} as const satisfies BucketDefinition;

export const promptsBucket = {
  id: 'prompts',
  envVar: 'OPENLINE_PROMPTS_BUCKET',
  description: 'Tenant audio prompts and hold music played by the SIP media application.',
  sensitive: false,
  replicate: true,
} as const satisfies BucketDefinition;

export const buckets = [recordingsBucket, lakeBucket, promptsBucket] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');
const utcDate = (at: Date): string =>
  `${at.getUTCFullYear()}-${pad2(at.getUTCMonth() + 1)}-${pad2(at.getUTCDate())}`;

/** Object key layouts. Hive-style `tenant=`/`dt=` folders are what Firehose dynamic partitioning writes. */
export const objectKeys = {
  recording: (tenantId: string, callId: string, startedAt: Date): string =>
    `tenants/${tenantId}/recordings/${utcDate(startedAt).replaceAll('-', '/')}/${callId}.wav`,
  /** Where the SMA writes a tenant's call recordings (it adds the date and the call to the key). */
  recordingsPrefix: (tenantId: string): string => `tenants/${tenantId}/call-recordings`,
  voicemail: (tenantId: string, callId: string, startedAt: Date): string =>
    `tenants/${tenantId}/voicemail/${utcDate(startedAt).replaceAll('-', '/')}/${callId}.wav`,
  prompt: (tenantId: string, promptId: string): string => `tenants/${tenantId}/prompts/${promptId}.wav`,
  /** Prompts every tenant may use (the default hold music). */
  platformPrompt: (promptId: string): string => `platform/prompts/${promptId}.wav`,
  lakePartition: (dataset: 'cdr' | 'agent_events', tenantId: string, day: Date): string =>
    `${dataset}/tenant=${tenantId}/dt=${utcDate(day)}/`,
  queryResults: (tenantId: string): string => `query-results/tenant=${tenantId}/`,
} as const;
