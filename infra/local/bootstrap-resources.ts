/**
 * Creates every table, stream and bucket of the resource catalogue in the local emulators, from the same
 * definitions the CDK constructs use. Idempotent, so a persisted --data-dir can be started again.
 */
import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUseException,
} from '@aws-sdk/client-kinesis';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OpenlineConfig } from '../../layers/config/config.ts';
import { resources, type StreamDefinition, type TableDefinition } from '../../layers/resources/index.ts';

export async function bootstrapResources(
  config: OpenlineConfig,
  clients: { dynamodb: DynamoDBClient; kinesis: KinesisClient; s3: S3Client },
): Promise<void> {
  await Promise.all([
    ...resources.tables.map((t) => createTable(clients.dynamodb, config.tables[t.id], t)),
    ...resources.streams.map((s) => createStream(clients.kinesis, config.streams[s.id], s)),
    ...resources.buckets.map((b) => createBucket(clients.s3, config.buckets[b.id])),
  ]);
}

async function createTable(client: DynamoDBClient, name: string, table: TableDefinition): Promise<void> {
  const attributes = new Map<string, 'S' | 'N'>();
  for (const key of [
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    attributes.set(key.name, key.type);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType,
        })),
        KeySchema: [
          { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: table.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes:
          table.indexes.length === 0
            ? undefined
            : table.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                  { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: index.projection },
              })),
        StreamSpecification:
          table.stream === 'NONE' ? undefined : { StreamEnabled: true, StreamViewType: table.stream },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return; // created by an earlier start with this data dir
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
    }),
  );
}

async function createStream(client: KinesisClient, name: string, stream: StreamDefinition): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: stream.localShardCount }));
  } catch (error) {
    if (!(error instanceof StreamInUseException)) throw error;
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const description = summary.StreamDescriptionSummary;
    if (description?.StreamStatus === 'ACTIVE') {
      if ((description.RetentionPeriodHours ?? 24) < stream.retentionHours) {
        await client.send(
          new IncreaseStreamRetentionPeriodCommand({
            StreamName: name,
            RetentionPeriodHours: stream.retentionHours,
          }),
        );
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`Kinesis stream ${name} did not become ACTIVE within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function createBucket(client: S3Client, name: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    if (error instanceof BucketAlreadyOwnedByYou) return;
    // s3rver answers an existing bucket with a plain 409 that the SDK may not map to the typed error.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 409) return;
    throw error;
  }
}
