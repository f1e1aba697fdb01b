/**
 * Consumers of a Kinesis stream, locally: Lambda event source mappings (handlers get the
 * `KinesisStreamEvent` shape Lambda delivers, data base64-encoded) and in-process consumers such as the
 * local Firehose stand-in. Every shard is read in order and delivered as ./batch-delivery.ts says (at least
 * once, retried from the first failed record, skipped after `maxRetries`). `bufferMs` gathers records for up
 * to that long before a delivery (Firehose's buffering interval). Where each consumer got to is kept in a
 * checkpoint file when the local cloud keeps its data, so a restart does not deliver the stream again.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { deliverBatch } from './batch-delivery.ts';

export type KinesisBatchHandler = (
  event: KinesisStreamEvent,
) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined>;

export interface KinesisMapping {
  readonly name: string;
  readonly streamName: string;
  readonly handler: KinesisBatchHandler;
  readonly batchSize: number;
  readonly maxRetries: number;
  /** Gather records this long (from the first) before delivering, unless a batch fills first. */
  readonly bufferMs?: number;
}

/** Lambda reads each shard about once a second; so do these (kinesis-local is costly to poll). */
const POLL_MS = 1_000;
const LIST_SHARDS_EVERY_MS = 5_000;

interface Shard {
  readonly shardId: string;
  iterator: string | undefined;
  last: string | undefined;
  done: boolean;
}

export function startKinesisMappings(
  kinesis: KinesisClient,
  region: string,
  mappings: readonly KinesisMapping[],
  options: {
    checkpointFile?: string;
    onError: (mapping: string, error: unknown) => void;
    /** Fault injection: what a batch becomes on its way to a consumer (duplicates, another order). */
    disorder?: <R>(records: readonly R[]) => R[];
  },
) {
  let stopped = false;
  const checkpoints = new Checkpoints(options.checkpointFile);
  const runs = mappings.map(async (mapping) => {
    const shards = new Map<string, Shard>();
    let listed = 0;
    let buffer: { shard: Shard; records: KinesisRecord[] }[] = [];
    let bufferedSince: number | undefined;
    while (!stopped) {
      try {
        if (Date.now() - listed > LIST_SHARDS_EVERY_MS) {
          await listShards(kinesis, mapping, shards, checkpoints);
          listed = Date.now();
        }
        let read = 0;
        for (const shard of shards.values()) {
          if (shard.done || stopped) continue;
          const records = await readShard(kinesis, mapping, shard);
          if (records.length === 0) continue;
          read += records.length;
          buffer.push({ shard, records });
          bufferedSince ??= Date.now();
        }
        const buffered = buffer.reduce((n, b) => n + b.records.length, 0);
        const due =
          buffered > 0 &&
          (buffered >= mapping.batchSize || Date.now() - (bufferedSince ?? 0) >= (mapping.bufferMs ?? 0));
        if (due) {
          // Each shard's records are delivered in order, a batch at most at a time.
          // Each batch's position is kept once it is through: stopping midway keeps what was not.
          for (const { shard, records } of buffer)
            for (let i = 0; i < records.length && !stopped; i += mapping.batchSize) {
              const batch = records.slice(i, i + mapping.batchSize);
              const through = await deliver(mapping, region, shard, batch, options, () => stopped);
              const last = batch.at(-1)?.SequenceNumber;
              if (!through) break;
              if (last !== undefined) checkpoints.save(mapping.name, shard.shardId, last);
            }
          buffer = [];
          bufferedSince = undefined;
        }
        if (read === 0) await new Promise((r) => setTimeout(r, POLL_MS));
      } catch (error) {
        options.onError(mapping.name, error);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(runs);
    },
  };
}

async function listShards(
  kinesis: KinesisClient,
  mapping: KinesisMapping,
  shards: Map<string, Shard>,
  checkpoints: Checkpoints,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await kinesis.send(
      new ListShardsCommand(token === undefined ? { StreamName: mapping.streamName } : { NextToken: token }),
    );
    for (const described of page.Shards ?? []) {
      const shardId = described.ShardId as string;
      if (shards.has(shardId)) continue;
      const shard: Shard = {
        shardId,
        iterator: undefined,
        last: checkpoints.get(mapping.name, shardId),
        done: false,
      };
      shard.iterator = await iteratorFor(kinesis, mapping.streamName, shard);
      shards.set(shardId, shard);
    }
    token = page.NextToken;
  } while (token !== undefined);
}

async function iteratorFor(kinesis: KinesisClient, streamName: string, shard: Shard) {
  return (
    await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.shardId,
        ...(shard.last === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: shard.last }),
      }),
    )
  ).ShardIterator;
}

async function readShard(kinesis: KinesisClient, mapping: KinesisMapping, shard: Shard) {
  if (shard.iterator === undefined) {
    shard.done = true;
    return [];
  }
  let page: GetRecordsCommandOutput;
  try {
    page = await kinesis.send(
      new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: mapping.batchSize }),
    );
  } catch (error) {
    // An expired iterator resumes after the last record read.
    if (!/ExpiredIterator/.test((error as Error).name)) throw error;
    shard.iterator = await iteratorFor(kinesis, mapping.streamName, shard);
    return [];
  }
  const records = page.Records ?? [];
  const last = records.at(-1)?.SequenceNumber;
  if (last !== undefined) shard.last = last;
  shard.iterator = page.NextShardIterator;
  if (shard.iterator === undefined) shard.done = true;
  return records;
}

async function deliver(
  mapping: KinesisMapping,
  region: string,
  shard: Shard,
  records: KinesisRecord[],
  options: {
    onError: (mapping: string, error: unknown) => void;
    disorder?: <R>(records: readonly R[]) => R[];
  },
  stopped: () => boolean,
): Promise<boolean> {
  const onError = options.onError;
  const delivered = records.map((r) => lambdaRecord(r, mapping.streamName, region, shard.shardId));
  return deliverBatch(
    options.disorder === undefined ? delivered : options.disorder(delivered),
    mapping.handler,
    {
      idOf: (r) => r.kinesis.sequenceNumber,
      maxRetries: mapping.maxRetries,
      stopped,
      skipped: (count, cause) =>
        onError(mapping.name, new Error(`skipping ${count} records of ${shard.shardId}`, { cause })),
    },
  );
}

function lambdaRecord(
  record: KinesisRecord,
  streamName: string,
  region: string,
  shardId: string,
): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber as string;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey as string,
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/openline-local',
    awsRegion: region,
    eventSourceARN: `arn:aws:kinesis:${region}:000000000000:stream/${streamName}`,
  };
}

/** Where each consumer got to in each shard, in a JSON file (or only in memory). */
class Checkpoints {
  private readonly positions: Record<string, string>;

  constructor(private readonly file: string | undefined) {
    this.positions =
      file !== undefined && existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
        : {};
  }

  get(mapping: string, shardId: string): string | undefined {
    return this.positions[`${mapping}/${shardId}`];
  }

  save(mapping: string, shardId: string, sequence: string): void {
    this.positions[`${mapping}/${shardId}`] = sequence;
    if (this.file === undefined) return;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.positions));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
