/**
 * Replays a tenant's records on the call-events stream: reads every shard from its start and puts the
 * tenant's records on the stream again, as a redelivery or a replay would bring them. Returns what it put.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { AwsClients } from '../../layers/config/aws-clients.ts';

export async function replayTenantRecords(
  clients: AwsClients,
  stream: string,
  tenant: string,
): Promise<{ records: number; cdrs: number }> {
  const mine: { Data: Uint8Array; PartitionKey: string }[] = [];
  for (const shard of (await clients.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ??
    []) {
    let iterator = (
      await clients.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let pages = 0; iterator !== undefined && pages < 500; pages++) {
      const page = await clients.kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
      );
      for (const r of page.Records ?? [])
        if (r.PartitionKey === tenant)
          mine.push({ Data: r.Data as Uint8Array, PartitionKey: r.PartitionKey });
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  for (let i = 0; i < mine.length; i += 400)
    await clients.kinesis.send(
      new PutRecordsCommand({ StreamName: stream, Records: mine.slice(i, i + 400) }),
    );
  const cdrs = mine.filter((r) => JSON.parse(Buffer.from(r.Data).toString()).type === 'cdr').length;
  return { records: mine.length, cdrs };
}
