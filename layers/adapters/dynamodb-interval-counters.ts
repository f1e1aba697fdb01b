/**
 * Real-time counters of today, fed by the call-events stream: per queue and 15-minute interval of the
 * tenant's local day (and an `ALL` row for every call), each call counted once — its counting writes a
 * marker item in the same transaction, so a redelivered or replayed record, or a newer version of the
 * same call's record, adds nothing.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { IntervalCount } from '../domain/cdr/interval-counts.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';
import { queryAll } from './dynamodb-query-all.ts';

/** Markers and counters are kept three days (the stream keeps records one). */
const KEEP_S = 3 * 24 * 3600;

export class DynamoDbIntervalCounters {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Adds a call's counts; 'already' if the call was counted before. */
  async count(
    tenant: TenantId,
    callId: string,
    counts: readonly IntervalCount[],
  ): Promise<'counted' | 'already'> {
    const expiresAt = Math.floor(Date.now() / 1000) + KEEP_S;
    const updates = counts.map((c) => {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':exp': expiresAt };
      const adds = Object.entries(c.add).map(([field, value]) => {
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        return `#${field} :${field}`;
      });
      return {
        Update: {
          TableName: this.table,
          Key: liveKeys.intervalCounters(tenant, c.localDate, c.queueId, c.interval),
          UpdateExpression: `SET expiresAt = :exp ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: { ...liveKeys.countedCall(tenant, callId), type: 'counted-call', expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...updates,
            ],
          }),
        );
        return 'counted';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'already';
        // Another call's counting met this one on a counter: try again.
        if (!reasons.some((r) => r.Code === 'TransactionConflict') || attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * attempt));
      }
    }
  }

  /** Every counter row of a local day, by queue and interval. */
  async day(tenant: TenantId, localDate: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': liveKeys.intervalCountersPartition(tenant, localDate) },
    });
  }
}
