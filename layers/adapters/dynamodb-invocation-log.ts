/**
 * Exactly-once handling of an at-least-once invocation (an SMA retries after 5 s and may run both copies):
 * the first copy claims the invocation with a conditional put, does the work and stores its response; a
 * duplicate returns that stored response, waiting for it while the first copy still works. A claim holds
 * for longer than any copy can run (the function's timeout), so a copy that is merely slow is never
 * doubled; only a copy that died leaves a claim that runs out, and the next copy then takes it over. A
 * copy that lost its claim stores nothing and answers what the winner stored, so the SMA and the call
 * record always agree.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';

export interface InvocationLogOptions {
  /** How long a claim holds before another copy may take it over: at least the function's timeout. */
  readonly leaseMs?: number;
  /** How long a duplicate waits for the stored response (within the SMA's 20 s limit). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

const KEEP_S = 24 * 3600;

export class InvocationInProgressError extends Error {
  override readonly name = 'InvocationInProgressError';
}

type Key = { pk: string; sk: string };

export class DynamoDbInvocationLog {
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    options: InvocationLogOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 8_000;
    this.waitMs = options.waitMs ?? 12_000;
    this.pollMs = options.pollMs ?? 25;
  }

  async once<R>(tenant: TenantId, callId: string, key: string, work: () => Promise<R>): Promise<R> {
    const itemKey = liveKeys.smaInvocation(tenant, callId, key);
    const owner = randomUUID();
    const giveUpAt = Date.now() + this.waitMs;
    let claimed = await this.claim(itemKey, owner);
    while (!claimed) {
      const item = await this.read(itemKey);
      if (typeof item?.response === 'string') return JSON.parse(item.response) as R;
      if (item === undefined) claimed = await this.claim(itemKey, owner);
      else if ((item.leaseUntil as number) < Date.now())
        claimed = await this.takeOver(itemKey, owner, item.leaseUntil as number);
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
      await this.release(itemKey, owner).catch(() => undefined);
      throw error;
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey,
          UpdateExpression: 'SET #r = :r, #s = :done',
          ConditionExpression: '#o = :me AND attribute_not_exists(#r)',
          ExpressionAttributeNames: { '#r': 'response', '#s': 'status', '#o': 'owner' },
          ExpressionAttributeValues: { ':r': JSON.stringify(response), ':done': 'done', ':me': owner },
        }),
      );
      return response;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Another copy took the claim over while this one was stalled: answer what that copy stored.
      const stored = (await this.read(itemKey))?.response;
      if (typeof stored === 'string') return JSON.parse(stored) as R;
      throw new InvocationInProgressError(
        `invocation ${key} of call ${callId} was taken over by another copy`,
      );
    }
  }

  private async read(key: Key): Promise<Record<string, unknown> | undefined> {
    return (
      await this.documents.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))
    ).Item;
  }

  private async claim(key: Key, owner: string): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key,
            type: 'sma-invocation',
            status: 'working',
            owner,
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

  private async takeOver(key: Key, owner: string, expiredLease: number): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET leaseUntil = :lease, #o = :me',
          ConditionExpression: 'leaseUntil = :expired AND attribute_not_exists(#r)',
          ExpressionAttributeNames: { '#r': 'response', '#o': 'owner' },
          ExpressionAttributeValues: {
            ':lease': Date.now() + this.leaseMs,
            ':expired': expiredLease,
            ':me': owner,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async release(key: Key, owner: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET leaseUntil = :expired',
        ConditionExpression: '#o = :me AND attribute_not_exists(#r)',
        ExpressionAttributeNames: { '#r': 'response', '#o': 'owner' },
        ExpressionAttributeValues: { ':expired': 0, ':me': owner },
      }),
    );
  }
}
