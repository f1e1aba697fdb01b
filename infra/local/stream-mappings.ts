/**
 * Lambda event source mappings for DynamoDB streams, locally: every table stream with a consumer is read
 * shard by shard (a child shard only after its parent is done, so one item's changes arrive in order) and
 * its records are handed to the handler in batches shaped as Lambda delivers them, at least once
 * (./batch-delivery.ts: retried from the first failed record, skipped after `maxRetries`).
 */
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { deliverBatch } from './batch-delivery.ts';
import { loadHandler } from './lambda-context.ts';

export interface StreamMapping {
  readonly name: string;
  readonly module: string;
  readonly streamArn: string;
  readonly batchSize: number;
  readonly maxRetries: number;
}

interface Shard {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  iterator: string | undefined;
  /** The last record read: a lost iterator resumes after it. */
  lastSequence: string | undefined;
  /** Records up to the shard's end when the mapping started are skipped (the mapping starts at LATEST). */
  skipping: boolean;
  /** Set once the shard is read to its end. */
  done: boolean;
}

type StreamHandler = (event: { Records: unknown[] }) => Promise<unknown>;

/** How often an idle shard is read, and how often the shard list is refreshed. */
const POLL_MS = 100;
const DESCRIBE_EVERY_MS = 5_000;

export function startStreamMappings(
  functionsDir: URL,
  streams: DynamoDBStreamsClient,
  region: string,
  mappings: readonly StreamMapping[],
  onError: (mapping: string, error: unknown) => void,
) {
  let stopped = false;
  const runs = mappings.map(async (mapping) => {
    const handler = await loadHandler<StreamHandler>(functionsDir, mapping.module);
    // Shards open now are read from now on; shards that appear later are new, read from their start.
    // (A LATEST iterator trips DynamoDB Local on an empty shard's first record, so "now on" is reached by
    // reading from the start and skipping what is there.)
    const shards = new Map<string, Shard>();
    await refreshShards(streams, mapping.streamArn, shards, true);
    let described = Date.now();
    while (!stopped) {
      if (Date.now() - described > DESCRIBE_EVERY_MS) {
        await refreshShards(streams, mapping.streamArn, shards, false).catch((error) =>
          onError(mapping.name, error),
        );
        described = Date.now();
      }
      let delivered = 0;
      for (const shard of shards.values()) {
        if (stopped) break;
        if (shard.done || !parentDone(shard, shards)) continue;
        try {
          delivered += await readShard(streams, mapping, region, shard, handler, onError, () => stopped);
        } catch (error) {
          onError(mapping.name, error);
        }
      }
      if (delivered === 0) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(runs);
    },
  };
}

function parentDone(shard: Shard, shards: Map<string, Shard>): boolean {
  const parent = shard.parentShardId === undefined ? undefined : shards.get(shard.parentShardId);
  return parent === undefined || parent.done;
}

async function refreshShards(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  shards: Map<string, Shard>,
  atStart: boolean,
): Promise<void> {
  let startAfter: string | undefined;
  do {
    const page = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: startAfter }),
    );
    for (const described of page.StreamDescription?.Shards ?? []) {
      const shardId = described.ShardId as string;
      if (shards.has(shardId)) continue;
      const closed = described.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const shard: Shard = {
        shardId,
        parentShardId: atStart ? undefined : described.ParentShardId,
        iterator: undefined,
        lastSequence: undefined,
        skipping: atStart,
        // A shard that closed before we started has nothing for us.
        done: closed && atStart,
      };
      if (!shard.done) shard.iterator = await iteratorFor(streams, streamArn, shard);
      shard.done ||= shard.iterator === undefined;
      shards.set(shardId, shard);
    }
    startAfter = page.StreamDescription?.LastEvaluatedShardId;
  } while (startAfter !== undefined);
}

async function iteratorFor(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  shard: Shard,
): Promise<string | undefined> {
  const after = shard.lastSequence;
  return (
    await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    )
  ).ShardIterator;
}

/** Reads one page of a shard and delivers it; returns how many records were delivered. */
async function readShard(
  streams: DynamoDBStreamsClient,
  mapping: StreamMapping,
  region: string,
  shard: Shard,
  handler: StreamHandler,
  onError: (mapping: string, error: unknown) => void,
  stopped: () => boolean,
): Promise<number> {
  if (shard.iterator === undefined) {
    shard.done = true;
    return 0;
  }
  let page: Awaited<ReturnType<typeof getRecords>>;
  try {
    page = await getRecords(streams, shard.iterator, mapping.batchSize);
  } catch (error) {
    // DynamoDB Local loses iterators now and then (trimmed data, expired iterators): resume after the
    // last record read.
    if (!/TrimmedDataAccess|ExpiredIterator/.test((error as Error).name)) throw error;
    shard.iterator = await iteratorFor(streams, mapping.streamArn, shard);
    return 0;
  }
  const read = page.Records ?? [];
  const last = read.at(-1)?.dynamodb?.SequenceNumber;
  if (last !== undefined) shard.lastSequence = last;
  if (shard.skipping) {
    if (read.length === 0) shard.skipping = false;
    shard.iterator = page.NextShardIterator;
    if (shard.iterator === undefined) shard.done = true;
    return read.length;
  }
  const records = read.map((r) => lambdaRecord(r, mapping.streamArn, region));
  await deliverBatch(records, handler, {
    idOf: (r) => r.dynamodb.SequenceNumber,
    maxRetries: mapping.maxRetries,
    stopped,
    skipped: (count, cause) =>
      onError(mapping.name, new Error(`skipping ${count} records of ${shard.shardId}`, { cause })),
  });
  shard.iterator = page.NextShardIterator;
  if (shard.iterator === undefined) shard.done = true;
  return records.length;
}

function getRecords(streams: DynamoDBStreamsClient, iterator: string, limit: number) {
  return streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
}

/** A stream record as Lambda's DynamoDB event carries it (creation time in epoch seconds). */
function lambdaRecord(record: StreamRecord, streamArn: string, region: string) {
  const change = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...change,
      Keys: wireImage(change.Keys),
      NewImage: wireImage(change.NewImage),
      OldImage: wireImage(change.OldImage),
      ApproximateCreationDateTime:
        change.ApproximateCreationDateTime === undefined
          ? undefined
          : Math.floor(change.ApproximateCreationDateTime.getTime() / 1000),
    },
  };
}

/**
 * An image as the wire (and so Lambda) carries it. The SDK's streams client reads an empty map attribute
 * (`{"M":{}}`) as `{}`, which matches no attribute type: it is put back.
 */
export function wireImage<T>(attributes: T): T {
  if (attributes === undefined) return attributes;
  const repair = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Object.keys(value).length === 0) return { M: {} };
    const { M, L } = value as { M?: Record<string, unknown>; L?: unknown[] };
    if (M !== undefined) return { M: Object.fromEntries(Object.entries(M).map(([k, v]) => [k, repair(v)])) };
    if (L !== undefined) return { L: L.map(repair) };
    return value;
  };
  return Object.fromEntries(
    Object.entries(attributes as Record<string, unknown>).map(([k, v]) => [k, repair(v)]),
  ) as T;
}
