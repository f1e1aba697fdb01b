/**
 * What the CDR pipeline keeps on the live table's call records: each agent's segment (written when the
 * agent finishes wrap-up), the version and content hash of the record sent, the sweep's list of ended calls
 * whose record is not out yet (GSI2 minute buckets) and its cursor; and the lookups a record needs (the
 * tenant's timezone, the queue's service-level target).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ACW_WAIT_MS,
  type AgentSegment,
  CDR_SWEEP_GRACE_MS,
  segmentKey,
} from '../domain/cdr/call-detail-record.ts';
import type { PublishableCall } from '../domain/cdr/publish-cdr.ts';
import type { QueueDirectory } from '../domain/routing/routing-store.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { configKeys, liveKeys } from '../resources/keys.ts';
import { queryAll } from './dynamodb-query-all.ts';

const DEFAULT_SERVICE_LEVEL_S = 20;
/** Sweeps that try to send one call's record before it is left to an operator. */
const MAX_SWEEP_ATTEMPTS = 12;
const TIMEZONE_CACHE_MS = 60_000;

export class DynamoDbCdrStore {
  private readonly timezones = new Map<string, { at: number; zone: string }>();

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tables: { readonly live: string; readonly config: string },
    private readonly queues: QueueDirectory,
  ) {}

  async call(tenant: TenantId, callId: string): Promise<PublishableCall | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tables.live,
        Key: liveKeys.call(tenant, callId),
        ConsistentRead: true,
      }),
    );
    return result.Item as PublishableCall | undefined;
  }

  /** The agent's part of the call, on its record (the same segment written twice is one write). */
  async saveSegment(tenant: TenantId, callId: string, segment: AgentSegment): Promise<void> {
    const key = liveKeys.call(tenant, callId);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.live,
          Key: key,
          UpdateExpression: 'SET #segments.#agent = :segment',
          ConditionExpression: 'attribute_exists(pk) AND attribute_exists(#segments)',
          ExpressionAttributeNames: { '#segments': 'segments', '#agent': segmentKey(segment) },
          ExpressionAttributeValues: { ':segment': segment },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The call's first segment makes the map (a call record gone by now is left alone).
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tables.live,
            Key: key,
            UpdateExpression: 'SET #segments = :segments',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#segments)',
            ExpressionAttributeNames: { '#segments': 'segments' },
            ExpressionAttributeValues: { ':segments': { [segmentKey(segment)]: segment } },
          }),
        );
      } catch (second) {
        if (!(second instanceof ConditionalCheckFailedException)) throw second;
        // Another segment made the map meanwhile: write into it.
        const current = await this.call(tenant, callId);
        if (current?.segments !== undefined) await this.saveSegment(tenant, callId, segment);
      }
    }
  }

  async reserve(
    tenant: TenantId,
    callId: string,
    version: number,
    previous: number,
    hash: string,
  ): Promise<boolean> {
    // Listed for the sweep until confirmed: a put that fails is sent again from there.
    const due = liveKeys.cdrDueIndex(tenant, callId, new Date(Date.now() + CDR_SWEEP_GRACE_MS).toISOString());
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.live,
          Key: liveKeys.call(tenant, callId),
          UpdateExpression: 'SET cdrVersion = :v, cdrHash = :h, gsi2pk = :pk, gsi2sk = :sk',
          ConditionExpression: `attribute_exists(pk) AND ${previous === 0 ? 'attribute_not_exists(cdrVersion)' : 'cdrVersion = :prev'}`,
          ExpressionAttributeValues: {
            ':v': version,
            ':h': hash,
            ':pk': due.gsi2pk,
            ':sk': due.gsi2sk,
            ...(previous === 0 ? {} : { ':prev': previous }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async confirm(tenant: TenantId, callId: string, version: number): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.live,
          Key: liveKeys.call(tenant, callId),
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: 'cdrVersion = :v',
          ExpressionAttributeValues: { ':v': version },
        }),
      );
    } catch (error) {
      // A newer version was taken meanwhile: it stays listed until it is confirmed itself.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Moves an ended call on the sweep's list to when its agent's wrap-up is overdue (a minute on, at least). */
  async postpone(tenant: TenantId, callId: string, endedAt: string | undefined): Promise<void> {
    const overdueAt = (endedAt === undefined ? Date.now() : Date.parse(endedAt)) + ACW_WAIT_MS;
    await this.relist(tenant, callId, Math.max(overdueAt, Date.now() + 60_000));
  }

  /**
   * A call whose record could not be sent: tried again in five minutes, up to twelve times; then it leaves
   * the list, marked, for an operator (the log says which). Returns whether it stays listed.
   */
  async retryLater(tenant: TenantId, callId: string): Promise<boolean> {
    const item = await this.call(tenant, callId);
    const attempts = ((item as { cdrAttempts?: number } | undefined)?.cdrAttempts ?? 0) + 1;
    if (attempts >= MAX_SWEEP_ATTEMPTS) {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.live,
          Key: liveKeys.call(tenant, callId),
          UpdateExpression: 'SET cdrAttempts = :n, cdrFailed = :failed REMOVE gsi2pk, gsi2sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':n': attempts, ':failed': true },
        }),
      );
      return false;
    }
    await this.relist(tenant, callId, Date.now() + 5 * 60_000, attempts);
    return true;
  }

  private async relist(tenant: TenantId, callId: string, dueMs: number, attempts?: number): Promise<void> {
    const due = liveKeys.cdrDueIndex(tenant, callId, new Date(dueMs).toISOString());
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tables.live,
          Key: liveKeys.call(tenant, callId),
          UpdateExpression: `SET gsi2pk = :pk, gsi2sk = :sk${attempts === undefined ? '' : ', cdrAttempts = :n'}`,
          ConditionExpression: 'attribute_exists(gsi2pk)',
          ExpressionAttributeValues: {
            ':pk': due.gsi2pk,
            ':sk': due.gsi2sk,
            ...(attempts === undefined ? {} : { ':n': attempts }),
          },
        }),
      );
    } catch (error) {
      // Sent meanwhile (off the list): nothing to move.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Ended calls listed in one minute bucket of the sweep, due by `until`. */
  async due(minute: string, until: string): Promise<{ tenant: TenantId; callId: string }[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tables.live,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :bucket AND gsi2sk <= :until',
      ExpressionAttributeValues: { ':bucket': liveKeys.cdrDueBucket(minute), ':until': `${until}#~` },
      ProjectionExpression: 'tenant, callId',
    });
    return items.map((i) => ({ tenant: i.tenant as TenantId, callId: String(i.callId) }));
  }

  async sweepCursor(): Promise<string | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.tables.live, Key: liveKeys.cdrSweepCursor, ConsistentRead: true }),
      )
    ).Item;
    return typeof item?.minute === 'string' ? item.minute : undefined;
  }

  async saveSweepCursor(minute: string): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tables.live, Item: { ...liveKeys.cdrSweepCursor, minute } }),
    );
  }

  /** The tenant's timezone and the queue's service-level target, for a record of its call. */
  async context(tenant: TenantId, queueId: string | undefined) {
    const queue = queueId === undefined ? undefined : await this.queues.queue(tenant, queueId);
    return {
      timezone: await this.timezone(tenant),
      serviceLevelSeconds: queue?.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_S,
    };
  }

  async timezone(tenant: TenantId): Promise<string> {
    const cached = this.timezones.get(tenant);
    if (cached !== undefined && Date.now() - cached.at < TIMEZONE_CACHE_MS) return cached.zone;
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.tables.config,
          Key: configKeys.tenant(tenant),
          ProjectionExpression: '#zone',
          ExpressionAttributeNames: { '#zone': 'timezone' },
        }),
      )
    ).Item;
    const zone = typeof item?.timezone === 'string' ? item.timezone : 'UTC';
    this.timezones.set(tenant, { at: Date.now(), zone });
    return zone;
  }
}
