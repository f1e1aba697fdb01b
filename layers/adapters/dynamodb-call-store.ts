/**
 * The call record in the live table (regional): created when a call reaches its flow, changed when its
 * attributes or its place change, listed on the wallboard's active-calls index until it ends.
 *
 * With a concurrent-call limit, a call counts against its tenant from the start of its record to its
 * end, exactly once: the record is created in one transaction with the increment of the tenant's counter
 * (which must stay within the limit), and ended in one transaction with its decrement, conditional on the
 * record having been counted and not ended yet. A retried start or end finds its own work done and changes
 * nothing; transactions that collide on the counter are tried again.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CallRecordChange, CallRecordStart } from '../domain/calls/run-ivr-turn.ts';
import { CDR_SWEEP_GRACE_MS } from '../domain/cdr/call-detail-record.ts';
import type { Disposition } from '../domain/routing/agent-desk.ts';
import type { CallDetails } from '../domain/routing/screen-pop.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';

/** Call records outlive the call by a week: time enough for the CDR pipeline and late events. */
const KEEP_AFTER_START_S = 7 * 24 * 3600;

/** A new call record as stored (listed as active until it ends, kept a week after it started). */
export function callRecordItem(
  call: Omit<CallRecordStart, 'flowId' | 'flowVersion'> & Partial<CallRecordStart>,
  status: string,
): Record<string, unknown> {
  return {
    ...liveKeys.call(call.tenant, call.callId),
    ...liveKeys.activeCallIndex(call.tenant, call.startedAt, call.callId),

    type: 'call',
    ...call,
    status,
    attributes: {},
    expiresAt: Math.floor(Date.parse(call.startedAt) / 1000) + KEEP_AFTER_START_S,
  };
}

/** A customer's call in its history with the tenant (see liveKeys.callerHistory). */
export function callerHistoryItem(
  call: Pick<CallRecordStart, 'tenant' | 'callId' | 'caller' | 'startedAt'>,
): Record<string, unknown> {
  return {
    ...liveKeys.callerHistory(call.tenant, call.caller, call.startedAt, call.callId),
    type: 'caller-call',
    callId: call.callId,
    startedAt: call.startedAt,
    expiresAt: Math.floor(Date.parse(call.startedAt) / 1000) + KEEP_AFTER_START_S,
  };
}

export class DynamoDbCallStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    /** The tenant's concurrent-call limit; without it calls are not counted. */
    private readonly concurrentCallLimit?: (tenant: TenantId) => Promise<number>,
  ) {}

  /** Creates the record; 'refused' when the tenant has its limit of calls in progress (nothing is written). */
  async start(call: CallRecordStart): Promise<'started' | 'refused'> {
    const limit = await this.concurrentCallLimit?.(call.tenant);
    try {
      if (limit === undefined)
        await this.documents.send(
          new PutCommand({
            TableName: this.table,
            Item: callRecordItem(call, 'ivr'),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      else {
        // Its own shard first (by the call id), the others only when that one is full.
        const shards = shardLimits(limit);
        const first = shardOf(call.callId, shards.length);
        let counted: 'done' | 'over-limit' = 'over-limit';
        for (let i = 0; i < shards.length && counted === 'over-limit'; i++) {
          const shard = (first + i) % shards.length;
          counted = await withConflictRetries(() =>
            this.documents.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Put: {
                      TableName: this.table,
                      Item: { ...callRecordItem(call, 'ivr'), counted: true, countedShard: shard },
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  },
                  {
                    Update: {
                      TableName: this.table,
                      Key: liveKeys.concurrentCalls(call.tenant, shard),
                      UpdateExpression: 'ADD active :one',
                      ConditionExpression: 'attribute_not_exists(active) OR active < :limit',
                      ExpressionAttributeValues: { ':one': 1, ':limit': shards[shard] as number },
                    },
                  },
                ],
              }),
            ),
          );
        }
        if (counted === 'over-limit') return 'refused';
      }
    } catch (error) {
      // A duplicate start (a retried first invocation) finds the record already there.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Idempotent: a retried start writes the same item again.
    await this.documents.send(new PutCommand({ TableName: this.table, Item: callerHistoryItem(call) }));
    return 'started';
  }

  /** The shard a call counts in, if it counts (read before its end, which gives the place back there). */
  private async countedShard(tenant: TenantId, callId: string): Promise<number | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.table,
          Key: liveKeys.call(tenant, callId),
          ProjectionExpression: 'counted, countedShard, #status',
          ExpressionAttributeNames: { '#status': 'status' },
          ConsistentRead: true,
        }),
      )
    ).Item;
    if (item?.counted !== true || item.status === 'ended') return undefined;
    return typeof item.countedShard === 'number' ? item.countedShard : 0;
  }

  /** Notes which tenant a shared-access-number call went to (before its flow starts). */
  async rememberAccessCall(callId: string, tenant: TenantId): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...liveKeys.accessCallDirectory(callId),
          type: 'access-call',
          tenantId: tenant,
          expiresAt: Math.floor(Date.now() / 1000) + 24 * 3600,
        },
      }),
    );
  }

  async accessCallTenant(callId: string): Promise<TenantId | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({
          TableName: this.table,
          Key: liveKeys.accessCallDirectory(callId),
          ConsistentRead: true,
        }),
      )
    ).Item;
    return typeof item?.tenantId === 'string' ? tenantId(item.tenantId) : undefined;
  }

  async endBeforeStart(tenant: TenantId, callId: string, end: CallRecordChange): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...liveKeys.call(tenant, callId),
            type: 'call',
            tenant,
            callId,
            ...end,
            ...liveKeys.cdrDueIndex(tenant, callId, cdrDueAt(end.endedAt)),
            expiresAt: Math.floor(Date.now() / 1000) + KEEP_AFTER_START_S,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async attributes(tenant: TenantId, callId: string): Promise<Record<string, string>> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: liveKeys.call(tenant, callId),
        ProjectionExpression: 'attributes, secrets',
        ConsistentRead: true,
      }),
    );
    // Sensitive values are masked in `attributes`; the flow needs them in clear until the call ends.
    return {
      ...((result.Item?.attributes as Record<string, string> | undefined) ?? {}),
      ...((result.Item?.secrets as Record<string, string> | undefined) ?? {}),
    };
  }

  async recordBridge(tenant: TenantId, callId: string, at: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: liveKeys.call(tenant, callId),
        UpdateExpression: 'SET bridgeRequestedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async recordDisposition(tenant: TenantId, callId: string, disposition: Disposition): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: liveKeys.call(tenant, callId),
        UpdateExpression: 'SET disposition = :d',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':d': disposition },
      }),
    );
  }

  /**
   * The agent paused the call's recording (or resumed it): how often and how long is kept on the record,
   * once per pause however often the request comes (a pause already open, or already closed, is left).
   */
  async recordingPaused(tenant: TenantId, callId: string, paused: boolean, at: string): Promise<void> {
    const key = liveKeys.call(tenant, callId);
    try {
      if (paused) {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'SET recordingPausedAt = :at ADD recordingPauseCount :one',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(recordingPausedAt)',
            ExpressionAttributeValues: { ':at': at, ':one': 1 },
          }),
        );
        return;
      }
      const since = (
        await this.documents.send(
          new GetCommand({
            TableName: this.table,
            Key: key,
            ProjectionExpression: 'recordingPausedAt',
            ConsistentRead: true,
          }),
        )
      ).Item?.recordingPausedAt as string | undefined;
      if (since === undefined) return;
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'ADD recordingPausedMs :ms REMOVE recordingPausedAt',
          ConditionExpression: 'recordingPausedAt = :since',
          ExpressionAttributeValues: {
            ':since': since,
            ':ms': Math.max(0, Date.parse(at) - Date.parse(since)),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The call as screens may show it (sensitive values stay masked), or undefined for an unknown call. */
  async details(tenant: TenantId, callId: string): Promise<CallDetails | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: liveKeys.call(tenant, callId) }),
    );
    return result.Item === undefined ? undefined : shownCall(result.Item);
  }

  /** The customer's latest calls with the tenant, newest first (the customer's number, in either direction). */
  async recentByCaller(tenant: TenantId, caller: string, limit: number): Promise<CallDetails[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.callerHistory(tenant, caller, '', '').pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const calls = await Promise.all(
      (result.Items ?? []).map((item) => this.details(tenant, String(item.callId))),
    );
    return calls.filter((c): c is CallDetails => c !== undefined);
  }

  /** The contact center's number on the call (`dialled`: the number called, or the caller id shown). */
  async ownNumber(tenant: TenantId, callId: string): Promise<string | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: liveKeys.call(tenant, callId),
        ProjectionExpression: 'dialled',
      }),
    );
    return result.Item?.dialled as string | undefined;
  }

  /** Where the carrier runs the call (see CallRecordStart.carrier), or undefined for an unknown call. */
  async carrier(tenant: TenantId, callId: string): Promise<Record<string, string> | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: liveKeys.call(tenant, callId),
        ProjectionExpression: 'carrier',
      }),
    );
    return result.Item?.carrier as Record<string, string> | undefined;
  }

  async change(tenant: TenantId, callId: string, change: CallRecordChange): Promise<void> {
    const sets: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const set = (field: string, value: unknown) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    };
    const { ivrPath, ...fields } = change;
    for (const [field, value] of Object.entries(fields)) if (value !== undefined) set(field, value);
    if (ivrPath !== undefined && ivrPath.length > 0) {
      names['#ivrPath'] = 'ivrPath';
      values[':ivrPath'] = ivrPath;
      values[':noPath'] = [];
      sets.push('#ivrPath = list_append(if_not_exists(#ivrPath, :noPath), :ivrPath)');
    }
    // A call is answered once: rejoining an agent (back from hold, a transfer) keeps the first answer.
    const answered = sets.indexOf('#answeredAt = :answeredAt');
    if (answered >= 0) sets[answered] = '#answeredAt = if_not_exists(#answeredAt, :answeredAt)';
    const ended = change.status === 'ended';
    if (ended) {
      // Listed for the CDR sweep until its detail record is out (normally within a second, by the stream).
      const due = liveKeys.cdrDueIndex(tenant, callId, cdrDueAt(change.endedAt));
      set('gsi2pk', due.gsi2pk);
      set('gsi2sk', due.gsi2sk);
    }
    names['#status'] = 'status';
    values[':ended'] = 'ended';
    const update = {
      TableName: this.table,
      Key: liveKeys.call(tenant, callId),
      // An ended call leaves the wallboard's active-calls index, and forgets its sensitive values.
      UpdateExpression: `SET ${sets.join(', ')}${ended ? ' REMOVE gsi1pk, gsi1sk, secrets' : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      // A call ends once: a second leg's hang-up must not move its end time, and a turn still running
      // when the caller hung up must not bring the call back (to a queue, say).
      ConditionExpression: 'attribute_exists(pk) AND #status <> :ended',
    };
    // A counted call gives its place back as it ends, in the same transaction; a call that was not counted
    // (or has ended already) fails the transaction's condition and takes the plain update below.
    const shard =
      ended && this.concurrentCallLimit !== undefined ? await this.countedShard(tenant, callId) : undefined;
    if (shard !== undefined) {
      const counted = await withConflictRetries(() =>
        this.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  ...update,
                  ConditionExpression: `${update.ConditionExpression} AND counted = :counted`,
                  ExpressionAttributeValues: { ...values, ':counted': true },
                },
              },
              {
                Update: {
                  TableName: this.table,
                  Key: liveKeys.concurrentCalls(tenant, shard),
                  UpdateExpression: 'ADD active :minus',
                  ConditionExpression: 'active > :zero',
                  ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
                },
              },
            ],
          }),
        ),
      ).catch((error: unknown) => {
        if (error instanceof ConditionalCheckFailedException) return 'not-counted';
        throw error;
      });
      if (counted === 'done') return;
    }
    try {
      await this.documents.send(new UpdateCommand(update));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** When the CDR sweep looks at an ended call, if the stream has not sent its record by then. */
function cdrDueAt(endedAt: string | undefined): string {
  return new Date(
    (endedAt === undefined ? Date.now() : Date.parse(endedAt)) + CDR_SWEEP_GRACE_MS,
  ).toISOString();
}

const MAX_SHARDS = 8;

/** The limit split across up to eight shards, summing exactly to it (a limit under eight: one a call). */
export function shardLimits(limit: number): number[] {
  const count = Math.max(1, Math.min(MAX_SHARDS, limit));
  return Array.from({ length: count }, (_, i) => Math.floor(limit / count) + (i < limit % count ? 1 : 0));
}

function shardOf(callId: string, shards: number): number {
  let hash = 0;
  for (const c of callId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % shards;
}

/** The tenant's calls in progress: the sum of its shards. */
export async function callsInProgress(
  documents: DynamoDBDocumentClient,
  table: string,
  tenant: TenantId,
): Promise<number> {
  const result = await documents.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :calls)',
      ExpressionAttributeValues: {
        ':pk': liveKeys.concurrentCalls(tenant, 0).pk,
        ':calls': liveKeys.concurrentCallsPrefix,
      },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).reduce((sum, i) => sum + (Number(i.active) || 0), 0);
}

/**
 * Runs a two-item transaction (an item of the call's, then the tenant's counter), trying again when it
 * collides with another transaction on the counter. A failed condition on the first item comes back as a
 * ConditionalCheckFailedException (as a single conditional write would), on the counter as 'over-limit'.
 */
async function withConflictRetries(send: () => Promise<unknown>): Promise<'done' | 'over-limit'> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return 'done';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [item, counter] = error.CancellationReasons ?? [];
      if (item?.Code === 'ConditionalCheckFailed')
        throw new ConditionalCheckFailedException({
          message: 'the call record did not allow it',
          $metadata: {},
        });
      if (counter?.Code === 'ConditionalCheckFailed') return 'over-limit';
      const conflict = [item, counter].some((r) => r?.Code === 'TransactionConflict');
      if (!conflict || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * attempt));
    }
  }
}

function shownCall(item: Record<string, unknown>): CallDetails {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const queue = item.queue as { id?: unknown } | undefined;
  const disposition = item.disposition as CallDetails['disposition'] | undefined;
  const optional = {
    queue: typeof queue?.id === 'string' ? { id: queue.id } : undefined,
    answeredAt: text(item.answeredAt),
    endedAt: text(item.endedAt),
    endReason: text(item.endReason),
    disposition,
  };
  return {
    callId: String(item.callId ?? ''),
    caller: String(item.caller ?? ''),
    dialled: String(item.dialled ?? ''),
    status: String(item.status ?? ''),
    direction: item.direction === 'outbound' ? 'outbound' : 'inbound',
    startedAt: String(item.startedAt ?? ''),
    attributes: (item.attributes as Record<string, string> | undefined) ?? {},
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}
