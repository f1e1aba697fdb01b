/**
 * The recordings index (the global `recordings` table): one item per recorded call in its tenant's month
 * partition, with an index entry per searchable field (agent, caller, queue, customer, disposition), one
 * in the expiry index by the day its retention runs out (none while a legal hold is on), and a small item
 * that finds it by call id. The retention sweep (functions/recordings/retention.ts) deletes what expired:
 * the recording in S3, then its items.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import {
  DEFAULT_RETENTION_MONTHS,
  matches,
  type RecordingEntry,
  type RecordingSearch,
  retainUntil,
} from '../domain/recordings/recordings.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { configKeys, recordingKeys } from '../resources/keys.ts';
import { queryAll } from './dynamodb-query-all.ts';

export interface StoredRecording extends RecordingEntry {
  readonly retainUntil: string;
  readonly legalHold: boolean;
}

/** Which index serves a search narrowed by each field (see recordingKeys.searchIndexes). */
const INDEX_OF = { agentId: 1, caller: 2, queueId: 3, customerId: 4, disposition: 5 } as const;
const KIND_OF = {
  agentId: 'AGENT',
  caller: 'CALLER',
  queueId: 'QUEUE',
  customerId: 'CUSTOMER',
  disposition: 'DISPOSITION',
};
const MAX_PAGES = 20;

export class DynamoDbRecordings {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tables: { readonly recordings: string; readonly config: string },
  ) {}

  /**
   * Indexes a recording (again, for a newer version of its call's record: the fields change, its expiry
   * and legal hold stay as they are).
   */
  async index(tenant: TenantId, entry: RecordingEntry): Promise<void> {
    const until = retainUntil(entry.startedAt, await this.retentionMonths(tenant));
    const key = recordingKeys.recording(tenant, entry.startedAt, entry.callId);
    const fields = {
      ...recordingKeys.searchIndexes(tenant, entry.startedAt, entry.callId, {
        ...(entry.agentId === null ? {} : { agentId: entry.agentId }),
        ...(entry.caller === null ? {} : { caller: entry.caller }),
        ...(entry.queueId === null ? {} : { queueId: entry.queueId }),
        ...(entry.customerId === null ? {} : { customerId: entry.customerId }),
        ...(entry.disposition === null ? {} : { disposition: entry.disposition }),
      }),
      type: 'recording',
      tenant,
      ...entry,
    };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tables.recordings,
          Item: {
            ...key,
            ...fields,
            ...recordingKeys.expiryIndex(tenant, entry.callId, until.toISOString()),
            retainUntil: until.toISOString(),
            legalHold: false,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':v': entry.cdrVersion };
      const sets = Object.entries(fields).map(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:f${i}`] = value;
        return `#f${i} = :f${i}`;
      });
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tables.recordings,
            Key: key,
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'cdrVersion < :v',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (second) {
        // The same or a newer version is indexed already.
        if (!(second instanceof ConditionalCheckFailedException)) throw second;
      }
    }
    // Written every time (the same item): a retry after a crash between the two writes still makes it.
    await this.documents.send(
      new PutCommand({
        TableName: this.tables.recordings,
        Item: { ...recordingKeys.byCall(tenant, entry.callId), startedAt: entry.startedAt },
      }),
    );
  }

  async get(tenant: TenantId, callId: string): Promise<StoredRecording | undefined> {
    const pointer = (
      await this.documents.send(
        new GetCommand({ TableName: this.tables.recordings, Key: recordingKeys.byCall(tenant, callId) }),
      )
    ).Item;
    if (typeof pointer?.startedAt !== 'string') return undefined;
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.tables.recordings,
          Key: recordingKeys.recording(tenant, pointer.startedAt, callId),
          ConsistentRead: true,
        }),
      )
    ).Item;
    return item === undefined ? undefined : view(item);
  }

  /** The tenant's recordings that match, newest first. */
  async search(tenant: TenantId, search: RecordingSearch): Promise<StoredRecording[]> {
    const field = (Object.keys(INDEX_OF) as (keyof typeof INDEX_OF)[]).find((f) => search[f] !== undefined);
    const queries =
      field === undefined
        ? months(search.from, search.to).map((month) => ({
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': recordingKeys.monthPartition(tenant, month),
              ':from': search.from,
              ':to': `${search.to}~`,
            },
          }))
        : [
            {
              IndexName: `gsi${INDEX_OF[field]}`,
              KeyConditionExpression: `gsi${INDEX_OF[field]}pk = :pk AND gsi${INDEX_OF[field]}sk BETWEEN :from AND :to`,
              ExpressionAttributeValues: {
                ':pk': recordingKeys.searchPartition(tenant, KIND_OF[field], search[field] as string),
                ':from': search.from,
                ':to': `${search.to}~`,
              },
            },
          ];
    const found: StoredRecording[] = [];
    for (const query of queries) {
      let start: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_PAGES && found.length < search.limit; page++) {
        const result = await this.documents.send(
          new QueryCommand({
            TableName: this.tables.recordings,
            ...query,
            ScanIndexForward: false,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of result.Items ?? []) {
          const recording = view(item);
          if (matches(recording, search) && found.length < search.limit) found.push(recording);
        }
        start = result.LastEvaluatedKey;
        if (start === undefined) break;
      }
      if (found.length >= search.limit) break;
    }
    return found;
  }

  /**
   * Puts a legal hold on (off the expiry index) or takes it off (back on it, due at its retention's end —
   * or now, when that has passed).
   */
  async setLegalHold(tenant: TenantId, callId: string, hold: boolean): Promise<StoredRecording | undefined> {
    const current = await this.get(tenant, callId);
    if (current === undefined) return undefined;
    const due = new Date(Math.max(Date.parse(current.retainUntil), Date.now())).toISOString();
    const expiry = recordingKeys.expiryIndex(tenant, callId, due);
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tables.recordings,
          Key: recordingKeys.recording(tenant, current.startedAt, callId),
          UpdateExpression: hold
            ? 'SET legalHold = :hold REMOVE gsi6pk, gsi6sk'
            : 'SET legalHold = :hold, gsi6pk = :pk, gsi6sk = :sk',
          // A recording the retention sweep has begun to delete cannot be held any more.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletingSince)',
          ExpressionAttributeValues: hold
            ? { ':hold': true }
            : { ':hold': false, ':pk': expiry.gsi6pk, ':sk': expiry.gsi6sk },
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof ConditionalCheckFailedException)
          throw new ConflictError('the recording reached the end of its retention and is being deleted');
        throw error;
      });
    return this.get(tenant, callId);
  }

  /** Recordings whose retention ran out by `until`, in one day bucket of the expiry index. */
  async expired(
    day: string,
    until: string,
  ): Promise<{ tenant: TenantId; callId: string; startedAt: string }[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tables.recordings,
      IndexName: 'gsi6',
      KeyConditionExpression: 'gsi6pk = :bucket AND gsi6sk <= :until',
      ExpressionAttributeValues: { ':bucket': recordingKeys.expiryBucket(day), ':until': `${until}#~` },
      ProjectionExpression: 'tenant, callId, startedAt',
    });
    return items.map((i) => ({
      tenant: i.tenant as TenantId,
      callId: String(i.callId),
      startedAt: String(i.startedAt),
    }));
  }

  /**
   * Deletes an expired recording, unless a legal hold is on: claimed, then the audio, the entry and its
   * finder. Returns false when a hold kept it.
   */
  async deleteExpired(
    tenant: TenantId,
    callId: string,
    startedAt: string,
    deleteAudio: (location: string) => Promise<void>,
  ): Promise<boolean> {
    const key = recordingKeys.recording(tenant, startedAt, callId);
    // Claimed first, if no legal hold is on: a hold asked for from now on is refused (setLegalHold), so the
    // audio is never deleted under one.
    let claimed: Record<string, unknown> | undefined;
    try {
      claimed = (
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tables.recordings,
            Key: key,
            UpdateExpression: 'SET deletingSince = if_not_exists(deletingSince, :now)',
            ConditionExpression: 'attribute_exists(pk) AND legalHold <> :hold',
            ExpressionAttributeValues: { ':now': new Date().toISOString(), ':hold': true },
            ReturnValues: 'ALL_NEW',
          }),
        )
      ).Attributes;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
    await deleteAudio(String(claimed?.location));
    await this.documents.send(new DeleteCommand({ TableName: this.tables.recordings, Key: key }));
    await this.documents.send(
      new DeleteCommand({ TableName: this.tables.recordings, Key: recordingKeys.byCall(tenant, callId) }),
    );
    return true;
  }

  async sweepCursor(): Promise<string | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.tables.recordings,
          Key: recordingKeys.retentionCursor,
          ConsistentRead: true,
        }),
      )
    ).Item;
    return typeof item?.day === 'string' ? item.day : undefined;
  }

  async saveSweepCursor(day: string): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tables.recordings, Item: { ...recordingKeys.retentionCursor, day } }),
    );
  }

  async retentionMonths(tenant: TenantId): Promise<number> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.tables.config, Key: configKeys.recordingSettings(tenant) }),
      )
    ).Item;
    return typeof item?.retentionMonths === 'number' ? item.retentionMonths : DEFAULT_RETENTION_MONTHS;
  }

  async setRetentionMonths(tenant: TenantId, months: number): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tables.config,
        Item: {
          ...configKeys.recordingSettings(tenant),
          type: 'recording-settings',
          retentionMonths: months,
        },
      }),
    );
  }
}

function view(item: Record<string, unknown>): StoredRecording {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const number = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    callId: String(item.callId),
    startedAt: String(item.startedAt),
    endedAt: text(item.endedAt),
    durationS: number(item.durationS),
    direction: String(item.direction ?? 'inbound'),
    caller: text(item.caller),
    called: text(item.called),
    agentId: text(item.agentId),
    queueId: text(item.queueId),
    customerId: text(item.customerId),
    disposition: text(item.disposition),
    location: String(item.location),
    pauseCount: number(item.pauseCount) ?? 0,
    pausedS: number(item.pausedS) ?? 0,
    cdrVersion: number(item.cdrVersion) ?? 1,
    retainUntil: String(item.retainUntil),
    legalHold: item.legalHold === true,
  };
}

/** The months (yyyy-mm) from `to` back to `from`, newest first. */
function months(from: string, to: string): string[] {
  const out: string[] = [];
  const at = new Date(`${to.slice(0, 7)}-01T00:00:00Z`);
  const first = from.slice(0, 7);
  while (at.toISOString().slice(0, 7) >= first) {
    out.push(at.toISOString().slice(0, 7));
    at.setUTCMonth(at.getUTCMonth() - 1);
  }
  return out;
}
