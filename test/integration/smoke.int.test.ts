/**
 * The first end-to-end smoke test: every emulator reached through the config module's clients (the ones
 * handlers use), and the HTTP and WebSocket APIs through the local gateway.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  DescribeStreamCommand as DescribeKinesisStreamCommand,
  GetRecordsCommand as GetKinesisRecordsCommand,
  GetShardIteratorCommand as GetKinesisShardIteratorCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { configKeys, liveKeys, objectKeys } from '../../layers/resources/index.ts';
import { randomTenantId, signIn } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';

describe('local cloud smoke test', () => {
  const { clients, config, webUrl } = localCloud();
  const tenant = tenantId(`smoke-${randomUUID().slice(0, 8)}`);

  it('writes and reads an item in DynamoDB Local, and sees it on the table stream', async () => {
    const item = { ...configKeys.queue(tenant, 'sales'), name: 'Sales', strategy: 'longest-idle' };
    await clients.documents.send(new PutCommand({ TableName: config.tables.config, Item: item }));
    const read = await clients.documents.send(
      new GetCommand({
        TableName: config.tables.config,
        Key: configKeys.queue(tenant, 'sales'),
        ConsistentRead: true,
      }),
    );
    expect(read.Item).toEqual(item);

    const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: config.tables.config }));
    const streamArn = table.Table?.LatestStreamArn;
    expect(streamArn).toBeDefined();
    const stream = await clients.dynamodbStreams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const seen: string[] = [];
    for (const shard of stream.StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await clients.dynamodbStreams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const records = await clients.dynamodbStreams.send(new GetRecordsCommand({ ShardIterator }));
      for (const r of records.Records ?? []) seen.push(`${r.eventName} ${r.dynamodb?.Keys?.pk?.S}`);
    }
    expect(seen).toContain(`INSERT T#${tenant}`);
  });

  it('keeps a conditional write atomic: the second claim of the same agent fails', async () => {
    const key = liveKeys.agentState(tenant, 'a1');
    await clients.documents.send(
      new PutCommand({ TableName: config.tables.live, Item: { ...key, status: 'available', version: 1 } }),
    );
    const claim = () =>
      clients.documents.send(
        new PutCommand({
          TableName: config.tables.live,
          Item: { ...key, status: 'reserved', version: 2 },
          ConditionExpression: '#s = :available AND version = :v',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':available': 'available', ':v': 1 },
        }),
      );
    const results = await Promise.allSettled([claim(), claim()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason.name).toBe('ConditionalCheckFailedException');
  });

  it('puts a record on the Kinesis stream and reads it back', async () => {
    const stream = config.streams['call-events'];
    const record = { type: 'smoke', id: randomUUID(), tenantId: tenant };
    const put = await clients.kinesis.send(
      new PutRecordCommand({
        StreamName: stream,
        PartitionKey: tenant,
        Data: Buffer.from(JSON.stringify(record)),
      }),
    );
    const { ShardIterator } = await clients.kinesis.send(
      new GetKinesisShardIteratorCommand({
        StreamName: stream,
        ShardId: put.ShardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: put.SequenceNumber,
      }),
    );
    const got = await clients.kinesis.send(new GetKinesisRecordsCommand({ ShardIterator, Limit: 1 }));
    const first = got.Records?.[0];
    expect(first?.SequenceNumber).toBe(put.SequenceNumber);
    expect(JSON.parse(Buffer.from(first?.Data ?? new Uint8Array()).toString('utf8'))).toEqual(record);
    const description = await clients.kinesis.send(new DescribeKinesisStreamCommand({ StreamName: stream }));
    expect(description.StreamDescription?.StreamStatus).toBe('ACTIVE');
  });

  it('stores S3 objects byte for byte, including streamed bodies (no aws-chunked framing)', async () => {
    const bucket = config.buckets.recordings;
    const key = objectKeys.recording(tenant, 'call-1', new Date('2026-11-22T10:00:00Z'));
    expect(key).toBe(`tenants/${tenant}/recordings/2026/11/22/call-1.wav`);
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Readable.from([bytes]),
        ContentLength: bytes.length,
      }),
    );
    const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(body.length).toBe(bytes.length);
    expect(body.equals(bytes)).toBe(true);
  });

  it('serves an HTTP route through the local gateway with the API Gateway v2 contract', async () => {
    const response = await fetch(`${webUrl}/api/v1/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ service: 'openline', apiVersion: 'v1', region: config.region });

    const missing = await fetch(`${webUrl}/api/v1/no-such-route`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Not Found' });
  });

  it('refuses a WebSocket without a valid token, and answers an action through the connection-management API', async () => {
    const refused = new WebSocket(`${webUrl.replace('http', 'ws')}/ws`);
    const status = await new Promise((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
    );
    expect(status).toBe(401);
    const agent = await signIn(webUrl, { tenantId: randomTenantId('smoke'), groups: ['agent'] });
    const socket = new WebSocket(
      `${webUrl.replace('http', 'ws')}/ws?token=${encodeURIComponent(agent.idToken)}`,
    );
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ action: 'ping', requestId: 'r-1' }));
    socket.send(JSON.stringify({ action: 'dance' }));
    const deadline = Date.now() + 5_000;
    while (messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    socket.close();
    expect(messages).toContainEqual(expect.objectContaining({ type: 'pong', requestId: 'r-1' }));
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'error', message: "unknown action 'dance'" }),
    );
  });

  it('reports every service up on GET /health', async () => {
    const response = await fetch(`${webUrl}/health`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as {
      status: string;
      services: Record<string, { status: string }>;
    };
    expect(health.status).toBe('ok');
    for (const name of ['dynamodb', 'dynamodbStreams', 'kinesis', 's3', 'httpApi', 'websocketApi', 'web']) {
      expect(health.services[name]?.status, name).toBe('up');
    }
  });
});
