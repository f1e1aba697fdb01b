/**
 * The CDR data lake's tables, declared once: the Glue table (CDK), the local Firehose stand-in's Parquet
 * writer, the local Athena emulator and the named queries all read these columns. Files live under
 * `<dataset>/tenant=<id>/dt=<yyyy-mm-dd>/` in the lake bucket (objectKeys.lakePartition), as Firehose's
 * dynamic partitioning writes them; the partition columns are in the path, not in the files.
 */

/** Column types, as Glue/Athena name them (each maps to one Parquet type). */
export type LakeColumnType = 'string' | 'bigint' | 'double' | 'boolean' | 'timestamp';

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeColumnType;
  readonly comment: string;
}

export interface LakeTable {
  /** Table name in the Glue database, and the first folder of its files in the lake bucket. */
  readonly name: 'cdr' | 'agent_events';
  readonly description: string;
  readonly columns: readonly LakeColumn[];
  /** Partition columns (strings, in the object path). */
  readonly partitionKeys: readonly LakeColumn[];
}

const col = (name: string, type: LakeColumnType, comment: string): LakeColumn => ({ name, type, comment });

const partitionKeys = [
  col('tenant', 'string', 'tenant id (every query filters on it)'),
  col('dt', 'string', 'UTC date the call or event started, yyyy-mm-dd'),
] as const;

/** Bumped when a column changes meaning; new columns are added at the end and keep the version. */
export const CDR_SCHEMA_VERSION = 1;

export const cdrTable = {
  name: 'cdr',
  description: 'One record per call (several versions may exist: queries keep the highest record_version).',
  columns: [
    col('record_id', 'string', 'stable id of this version of the record: cdr:<call id>:<version>'),
    col('record_version', 'bigint', 'higher replaces lower for the same call_id'),
    col('schema_version', 'bigint', 'CDR_SCHEMA_VERSION'),
    col('produced_at', 'timestamp', 'when this version was made'),
    col('call_id', 'string', 'the call'),
    col('direction', 'string', 'inbound | outbound'),
    col('initiation', 'string', 'inbound | outbound | transfer | callback'),
    col(
      'outcome',
      'string',
      'answered | abandoned | ivr | voicemail | overflowed | callback | refused | unanswered',
    ),
    col('caller_number', 'string', 'E.164 of the calling party'),
    col('called_number', 'string', 'E.164 of the called party'),
    col('started_at', 'timestamp', 'call arrives or is dialled (UTC)'),
    col('ivr_ended_at', 'timestamp', 'the flow handed the call on (queue, transfer) or the call ended in it'),
    col('enqueued_at', 'timestamp', 'first joined a queue (wait and service level count from here)'),
    col('offered_at', 'timestamp', 'first offered to an agent'),
    col('answered_at', 'timestamp', 'first answered by an agent'),
    col('ended_at', 'timestamp', 'last leg gone'),
    col('acw_ended_at', 'timestamp', 'the last agent finished after-call work'),
    col('local_date', 'string', "start date in the tenant's timezone, yyyy-mm-dd"),
    col('local_hour', 'bigint', "start hour (0-23) in the tenant's timezone"),
    col('timezone', 'string', "the tenant's IANA timezone"),
    col('ivr_path', 'string', 'flow nodes visited, in order, joined by >'),
    col('ivr_last_node', 'string', 'the last flow node the call was in'),
    col('attributes_json', 'string', 'attributes the flow collected, sensitive ones masked (JSON object)'),
    col('customer_id', 'string', 'the collected attribute customerId, when there is one'),
    col('queue_id', 'string', 'the first queue the caller waited in (its service level counts the call)'),
    col('agent_id', 'string', 'the agent who answered the call last'),
    col('agent_ids', 'string', 'every agent who answered it, in order, comma-separated'),
    col('ivr_s', 'double', 'ivr_ended_at - started_at'),
    col('wait_s', 'double', 'first answer - first enqueue (answered calls); ended - first enqueue (others)'),
    col('talk_s', 'double', "every agent's time on the call, less hold"),
    col('hold_s', 'double', 'sum of hold intervals'),
    col('hold_count', 'bigint', 'number of hold intervals'),
    col('acw_s', 'double', 'after-call work of every agent who answered'),
    col('transfer_count', 'bigint', 'times an agent handed the call on'),
    col(
      'previous_call_id',
      'string',
      'the call this one was placed for (reserved: consultations keep no record yet)',
    ),
    col('next_call_id', 'string', 'a call placed for this one (reserved: consultations keep no record yet)'),
    col('disposition_code', 'string', "the agent's disposition code"),
    col('disposition_notes', 'string', "the agent's notes"),
    col('disconnect_reason', 'string', 'why the call ended'),
    col('disconnect_side', 'string', 'caller | agent | system'),
    col('sl_target_s', 'bigint', "the queue's service-level target"),
    col('answered_within_target', 'boolean', 'answered with wait_s <= sl_target_s'),
    col('abandoned', 'boolean', 'hung up after enqueued and before answered'),
    col('short_abandon', 'boolean', 'abandoned within 5 s'),
    col('recording_location', 'string', 's3://bucket/key of the recording'),
    col('recording_pause_count', 'bigint', 'times the recording was paused'),
    col('recording_paused_s', 'double', 'seconds the recording was paused'),
    col('region', 'string', 'AWS region that handled the call'),
    col('telephony_minutes', 'double', "PSTN minutes of the customer's leg (billed per second)"),
    col('sma_minutes', 'double', 'SIP media application leg minutes'),
    col('cost_telephony_usd', 'double', 'PSTN cost'),
    col('cost_sma_usd', 'double', 'SIP media application cost'),
    col('cost_platform_usd', 'double', 'recording, meetings, Lambda, DynamoDB, Kinesis, Firehose, speech'),
    col('cost_total_usd', 'double', 'sum of the three'),
    col('price_table', 'string', 'date of the price table used'),
    col('last_queue_id', 'string', 'the last queue the call was in (after transfers)'),
  ],
  partitionKeys,
} as const satisfies LakeTable;

export const agentEventsTable = {
  name: 'agent_events',
  description: "One record per agent state change (the agent's version orders them).",
  columns: [
    col('record_id', 'string', 'agent-event:<agent id>:<agent version>'),
    col('schema_version', 'bigint', 'CDR_SCHEMA_VERSION'),
    col('produced_at', 'timestamp', 'when the record was made'),
    col('agent_id', 'string', 'the agent'),
    col('agent_version', 'bigint', "the agent state's version after the change"),
    col('event_at', 'timestamp', 'when the agent entered to_status'),
    col('from_status', 'string', 'offline | available | not-ready | reserved | on-call | after-call'),
    col('to_status', 'string', 'the new status'),
    col('from_reason', 'string', 'not-ready reason left'),
    col('to_reason', 'string', 'not-ready reason entered'),
    col('duration_s', 'double', 'time spent in from_status'),
    col('call_id', 'string', 'the call the agent was or is on'),
    col('queue_id', 'string', "that call's queue"),
    col('local_date', 'string', "date in the tenant's timezone"),
    col('region', 'string', 'AWS region'),
    col('hold_s', 'double', "the hold of the call whose after-call work this change ends (the agent's own)"),
  ],
  partitionKeys,
} as const satisfies LakeTable;

export const lakeTables = [cdrTable, agentEventsTable] as const;

/** The Glue database and the Athena workgroup, by stage. */
export const lakeNames = {
  database: 'openline_lake',
  workgroup: 'openline',
} as const;
