/** Kinesis data streams, declared once for CDK and the local bootstrap. */

export interface StreamDefinition {
  readonly id: string;
  readonly envVar: string;
  readonly description: string;
  /** Shards used by the local emulator; on AWS the stream is on-demand. */
  readonly localShardCount: number;
  /** Hours a record stays readable (24 is the free default; redelivery and replay happen within it). */
  readonly retentionHours: number;
  /** What partitions the records: the tenant, so one tenant's records keep their order. */
  readonly partitionKey: 'tenantId';
}

/** Call detail records and agent events (record types `cdr` and `agent-event`), on their way to the lake. */
export const callEventsStream = {
  id: 'call-events',
  envVar: 'OPENLINE_CALL_EVENTS_STREAM',
  description: 'CDRs and agent state events, one record per event with a stable id.',
  localShardCount: 2,
  retentionHours: 24,
  partitionKey: 'tenantId',
} as const satisfies StreamDefinition;

export const streams = [callEventsStream] as const;
