/**
 * The drill's stand-in for DynamoDB global tables' replication: for every table declared
 * `replication: 'global'`, it reads each region's table stream and applies each change (the new image, or
 * the delete) to the same table in every other region. Regional tables are never touched.
 *
 * - Last writer wins: a change older (by the stream's ApproximateCreationDateTime) than the last one applied
 *   for the same item is dropped, as global tables reconcile concurrent writes.
 * - No echo: a change this replicator wrote into a region comes back on that region's stream; it is
 *   recognised by its table, key and image and not sent on again.
 * - A region that is down holds its changes: the stream is read again from where it stopped once the region
 *   is back, and changes for a region that is down wait (in order) until it is up.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { localPhysicalName } from '../../../layers/resources/index.ts';
import { tables } from '../../../layers/resources/tables.ts';
import { localCredentials } from '../local-credentials.ts';

export interface ReplicaRegion {
  readonly region: string;
  readonly dynamodbEndpoint: string;
}

export interface ReplicationStats {
  /** Changes applied, by "from→to". */
  readonly applied: Record<string, number>;
  /** Changes dropped because a newer one for the same item had been applied. */
  readonly olderDropped: number;
  /** Changes recognised as this replicator's own writes coming back. */
  readonly echoesSkipped: number;
}

const POLL_MS = 250;
const RETRY_MS = 500;

export const globalTables = tables.filter((t) => t.replication === 'global');

export class GlobalTableReplicator {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  /** Writes this replicator made, per region, that its stream will show again. */
  private readonly ownWrites = new Map<string, Map<string, number>>();
  /** The creation time of the last change applied, per table and item. */
  private readonly latest = new Map<string, number>();
  private readonly applied = new Map<string, number>();
  private olderDropped = 0;
  private echoesSkipped = 0;
  private readonly clients = new Map<string, { dynamodb: DynamoDBClient; streams: DynamoDBStreamsClient }>();

  constructor(
    private readonly regions: readonly ReplicaRegion[],
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    for (const r of regions) {
      const options = { region: r.region, endpoint: r.dynamodbEndpoint, credentials: localCredentials };
      this.clients.set(r.region, {
        dynamodb: new DynamoDBClient({ ...options, maxAttempts: 1 }),
        streams: new DynamoDBStreamsClient({ ...options, maxAttempts: 1 }),
      });
      this.ownWrites.set(r.region, new Map());
    }
  }

  start(): void {
    this.running = true;
    for (const table of globalTables)
      for (const source of this.regions)
        this.loops.push(this.follow(localPhysicalName(table), source.region));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const c of this.clients.values()) {
      c.dynamodb.destroy();
      c.streams.destroy();
    }
  }

  stats(): ReplicationStats {
    return {
      applied: Object.fromEntries(this.applied),
      olderDropped: this.olderDropped,
      echoesSkipped: this.echoesSkipped,
    };
  }

  private client(region: string) {
    return this.clients.get(region) as { dynamodb: DynamoDBClient; streams: DynamoDBStreamsClient };
  }

  /** Reads one region's stream of one table for as long as the replicator runs, shard by shard. */
  private async follow(table: string, region: string): Promise<void> {
    const { dynamodb, streams } = this.client(region);
    /** The last sequence number handled, per shard: where reading resumes after the region was down. */
    const position = new Map<string, string>();
    const closed = new Set<string>();
    /** Shards DynamoDB Local calls trimmed at their horizon though nothing was read yet: read from LATEST. */
    const trimmed = new Set<string>();
    while (this.running) {
      try {
        const arn = (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table
          ?.LatestStreamArn;
        if (arn === undefined) throw new Error(`${table} in ${region} has no stream`);
        const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription
          ?.Shards;
        const open = (shards ?? []).filter((s) => s.ShardId !== undefined && !closed.has(s.ShardId));
        const iterators = new Map<string, string | undefined>();
        for (const shard of open) {
          const id = shard.ShardId as string;
          const after = position.get(id);
          const from = (type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER' | 'LATEST') =>
            streams.send(
              new GetShardIteratorCommand({
                StreamArn: arn,
                ShardId: id,
                ShardIteratorType: type,
                ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: after } : {}),
              }),
            );
          // A position the restarted region no longer knows: read the shard whole; last writer wins keeps
          // the replay from undoing newer changes.
          const reply = trimmed.has(id)
            ? await from('LATEST')
            : after === undefined
              ? await from('TRIM_HORIZON')
              : await from('AFTER_SEQUENCE_NUMBER').catch(() => from('TRIM_HORIZON'));
          iterators.set(id, reply.ShardIterator);
        }
        // Read every open shard until one closes (then its children are found by describing again).
        let reshard = false;
        while (this.running && !reshard) {
          let quiet = true;
          for (const [id, iterator] of iterators) {
            if (iterator === undefined) continue;
            const page = await streams
              .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 500 }))
              .catch((error: unknown) => {
                if ((error as Error).name === 'TrimmedDataAccessException' && !position.has(id))
                  trimmed.add(id);
                throw error;
              });
            for (const record of page.Records ?? []) {
              await this.replicate(table, region, record);
              const sequence = record.dynamodb?.SequenceNumber;
              if (sequence !== undefined) position.set(id, sequence);
            }
            if ((page.Records ?? []).length > 0) quiet = false;
            iterators.set(id, page.NextShardIterator);
            if (page.NextShardIterator === undefined) {
              closed.add(id);
              reshard = true;
            }
          }
          if (open.length === 0) reshard = true;
          if (quiet) await sleep(POLL_MS);
        }
      } catch (error) {
        // The region is down or restarting: read again from the saved positions once it answers.
        if (this.running) this.onError(`reading ${table} in ${region}: ${(error as Error).message}`);
        await sleep(RETRY_MS);
      }
    }
  }

  /** Applies one change from `from` to every other region, unless it is an echo or older than what is there. */
  private async replicate(table: string, from: string, record: StreamRecord): Promise<void> {
    const change = record.dynamodb;
    const keys = change?.Keys;
    if (change === undefined || keys === undefined) return;
    const itemKey = `${table}|${canonical(keys)}`;
    const image = change.NewImage;
    // DynamoDB Local reports a TTL deletion as UNKNOWN_TO_SDK_VERSION: every change without a new image is a delete.
    const fingerprint = `${itemKey}|${image === undefined ? 'deleted' : canonical(image)}`;
    const own = this.ownWrites.get(from) as Map<string, number>;
    const pending = own.get(fingerprint) ?? 0;
    if (pending > 0) {
      if (pending === 1) own.delete(fingerprint);
      else own.set(fingerprint, pending - 1);
      this.echoesSkipped += 1;
      return;
    }
    const at = change.ApproximateCreationDateTime?.getTime() ?? Date.now();
    if (at < (this.latest.get(itemKey) ?? 0)) {
      this.olderDropped += 1;
      return;
    }
    this.latest.set(itemKey, at);
    // The streams client reads an empty map or list as an AttributeValue with no member set, which DynamoDB
    // refuses: the item is read whole from its region instead (gone since: its delete follows on the stream).
    let item: Record<string, AttributeValue> | undefined;
    if (image !== undefined) {
      item = (
        await this.client(from).dynamodb.send(
          new GetItemCommand({ TableName: table, Key: keys, ConsistentRead: true }),
        )
      ).Item;
      if (item === undefined) return;
    }
    for (const target of this.regions) {
      if (target.region === from) continue;
      await this.applyUntilDone(
        table,
        target.region,
        keys,
        item,
        `${itemKey}|${item === undefined ? 'deleted' : canonical(item)}`,
      );
      const route = `${from}→${target.region}`;
      this.applied.set(route, (this.applied.get(route) ?? 0) + 1);
    }
  }

  /** Writes a change to one region, waiting while the region is down (changes keep their order). */
  private async applyUntilDone(
    table: string,
    region: string,
    keys: Record<string, AttributeValue>,
    image: Record<string, AttributeValue> | undefined,
    fingerprint: string,
  ): Promise<void> {
    const { dynamodb } = this.client(region);
    const own = this.ownWrites.get(region) as Map<string, number>;
    while (this.running) {
      own.set(fingerprint, (own.get(fingerprint) ?? 0) + 1);
      try {
        if (image === undefined) await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: keys }));
        else await dynamodb.send(new PutItemCommand({ TableName: table, Item: image }));
        return;
      } catch (error) {
        const left = (own.get(fingerprint) ?? 1) - 1;
        if (left === 0) own.delete(fingerprint);
        else own.set(fingerprint, left);
        this.onError(`writing ${table} in ${region}: ${(error as Error).message}`);
        await sleep(RETRY_MS);
      }
    }
  }
}

/**
 * A JSON text of a DynamoDB item or key that does not depend on the order of its attributes, and that reads
 * an empty map or list the same as the memberless value the streams client makes of them.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isEmptyCollection(value)) return '{}';
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isEmptyCollection(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length !== 1) return false;
  const [type, inner] = entries[0] as [string, unknown];
  return (
    (type === 'M' && typeof inner === 'object' && inner !== null && Object.keys(inner).length === 0) ||
    (type === 'L' && Array.isArray(inner) && inner.length === 0)
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
