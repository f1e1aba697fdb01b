/**
 * Exactly-once handling of an at-least-once invocation (an SMA retries after 5 s and may run both copies):
 * the first copy claims the invocation with a conditional put, does the work and stores its response; a
 * duplicate returns that stored response, waiting for it if the first copy is still working. A copy that
 * crashed leaves a claim whose lease runs out, and the next copy takes it over.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';

export interface InvocationLogOptions {
  /** How long a claim holds before another copy may take over (below the SMA's 5 s retry). */
  readonly leaseMs?: number;
  /** How long a duplicate waits for the first copy's response. */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

const KEEP_S = 24 * 3600;

export class InvocationInProgressError extends Error {
  override readonly name = 'InvocationInProgressError';
}

export class DynamoDbInvocationLog {
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    options: InvocationLogOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 4_000;
    this.waitMs = options.waitMs ?? 4_500;
    this.pollMs = options.pollMs ?? 25;
  }

  async once<R>(tenant: TenantId, callId: string, key: string, work: () => Promise<R>): Promise<R> {
    const itemKey = liveKeys.smaInvocation(tenant, callId, key);
    const giveUpAt = Date.now() + this.waitMs;
    let claimed = await this.claim(itemKey);
    while (!claimed) {
      const item = (
        await this.documents.send(
          new GetCommand({ TableName: this.table, Key: itemKey, ConsistentRead: true }),
        )
      ).Item;
      if (typeof item?.response === 'string') return JSON.parse(item.response) as R;
      if (item === undefined) claimed = await this.claim(itemKey);
      else if ((item.leaseUntil as number) < Date.now())
        claimed = await this.takeOver(itemKey, item.leaseUntil as number);
      if (claimed) break;
      if (Date.now() > giveUpAt)
        throw new InvocationInProgressError(`invocation ${key} of call ${callId} is still being handled`);
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    let response: R;
    try {
      response = await work();
    } catch (error) {
      // Let the next copy try at once instead of waiting for the lease.
      await this.release(itemKey).catch(() => undefined);
      throw error;
    }
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: itemKey,
        UpdateExpression: 'SET #r = :r, #s = :done',
        ExpressionAttributeNames: { '#r': 'response', '#s': 'status' },
        ExpressionAttributeValues: { ':r': JSON.stringify(response), ':done': 'done' },
      }),
    );
    return response;
  }

  private async claim(key: { pk: string; sk: string }): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key,
            type: 'sma-invocation',
            status: 'working',
            leaseUntil: Date.now() + this.leaseMs,
            expiresAt: Math.floor(Date.now() / 1000) + KEEP_S,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async takeOver(key: { pk: string; sk: string }, expiredLease: number): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: 'leaseUntil = :expired AND attribute_not_exists(#r)',
          ExpressionAttributeNames: { '#r': 'response' },
          ExpressionAttributeValues: { ':lease': Date.now() + this.leaseMs, ':expired': expiredLease },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async release(key: { pk: string; sk: string }): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET leaseUntil = :now',
        ConditionExpression: 'attribute_not_exists(#r)',
        ExpressionAttributeNames: { '#r': 'response' },
        ExpressionAttributeValues: { ':now': 0 },
      }),
    );
  }
}
