/**
 * Sign-up jobs in the live table (regional: one region's worker owns a sign-up from start to end). A job is
 * created together with its client address's rate window, in one transaction; a worker takes a job under
 * a lease (a conditional write) so that two workers never run the same sign-up's steps at once, and every
 * save is conditional on still holding the lease. Finished jobs leave the worker's list and expire after a
 * week.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, TooManyRequestsError } from '../domain/errors.ts';
import { isFinished, type SignupJob } from '../domain/tenancy/provision-tenant.ts';
import { liveKeys } from '../resources/keys.ts';
import { limitReached } from './tenant-usage.ts';

/** Sign-ups one client address may start per hour. */
export const SIGNUPS_PER_ADDRESS_PER_HOUR = 10;
const LEASE_MS = 60_000;
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export interface LeasedJob {
  readonly job: SignupJob;
  readonly lease: string;
}

export class DynamoDbSignupJobs {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores a new job and counts it against its client's hour; 429 when the hour is used up. */
  async create(job: SignupJob, clientHash: string): Promise<void> {
    const now = this.now();
    const hour = new Date(now).toISOString().slice(0, 13);
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: liveKeys.signupRateWindow(clientHash, hour),
                UpdateExpression: 'ADD signups :one SET expiresAt = if_not_exists(expiresAt, :expires)',
                ConditionExpression: 'attribute_not_exists(signups) OR signups < :limit',
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':limit': SIGNUPS_PER_ADDRESS_PER_HOUR,
                  ':expires': Math.floor(now / 1000) + 7200,
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: this.item(job),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && limitReached(error, 0)) {
        const retryAfter = 3600 - Math.floor((now % 3_600_000) / 1000);
        throw new TooManyRequestsError(
          `too many sign-ups from your network this hour (${SIGNUPS_PER_ADDRESS_PER_HOUR}): try again later`,
          retryAfter,
        );
      }
      throw error;
    }
  }

  /**
   * Stores a job that adds a number to a tenant, holding the tenant's one order slot (a 409 while another
   * order of the tenant runs; a slot left by a crashed worker frees itself after ten minutes).
   */
  async createNumberOrder(job: SignupJob): Promise<void> {
    const now = this.now();
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...liveKeys.numberOrderSlot(job.tenantId),
                  type: 'number-order-slot',
                  orderId: job.signupId,
                  until: now + 10 * 60_000,
                  expiresAt: Math.floor(now / 1000) + 3600,
                },
                ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
                ExpressionAttributeNames: { '#until': 'until' },
                ExpressionAttributeValues: { ':now': now },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: this.item(job),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && limitReached(error, 0))
        throw new ConflictError(
          'another number is being ordered for this contact center: wait for it to finish',
        );
      throw error;
    }
  }

  /** Frees the tenant's order slot once its order is live or undone. */
  async freeNumberOrderSlot(job: SignupJob): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.table,
          Key: liveKeys.numberOrderSlot(job.tenantId),
          ConditionExpression: 'orderId = :id',
          ExpressionAttributeValues: { ':id': job.signupId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(signupId: string): Promise<SignupJob | undefined> {
    const item = (
      await this.documents.send(new GetCommand({ TableName: this.table, Key: liveKeys.signup(signupId) }))
    ).Item;
    return item?.job as SignupJob | undefined;
  }

  /** The sign-up request made the account: the job is the worker's from here (no worker holds it yet). */
  async started(job: SignupJob): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: this.item(job),
        ConditionExpression: '#job.#step = :account AND attribute_not_exists(lease)',
        ExpressionAttributeNames: { '#job': 'job', '#step': 'step' },
        ExpressionAttributeValues: { ':account': 'account' },
      }),
    );
  }

  /** Removes a job the sign-up request could not finish starting (nothing was made for it). */
  async discard(signupId: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.table, Key: liveKeys.signup(signupId) }));
  }

  /** Unfinished sign-ups, oldest first. */
  async open(limit = 25): Promise<SignupJob[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :open',
        ExpressionAttributeValues: { ':open': liveKeys.openSignupsPartition },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => i.job as SignupJob);
  }

  /** Takes the job unless another worker holds an unexpired lease on it. */
  async lease(signupId: string): Promise<LeasedJob | undefined> {
    const lease = randomUUID();
    const now = this.now();
    try {
      const result = await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: liveKeys.signup(signupId),
          UpdateExpression: 'SET lease = :lease, leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_exists(gsi1pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':lease': lease, ':until': now + LEASE_MS, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { job: result.Attributes?.job as SignupJob, lease };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Saves progress under the lease (extending it); false if the lease was lost to another worker. */
  async save(leased: LeasedJob, job: SignupJob): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.item(job), lease: leased.lease, leaseUntil: this.now() + LEASE_MS },
          ConditionExpression: 'lease = :lease',
          ExpressionAttributeValues: { ':lease': leased.lease },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Lets another worker take the job at once (this one is done with it for now). */
  async release(leased: LeasedJob): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: liveKeys.signup(leased.job.signupId),
          UpdateExpression: 'REMOVE lease, leaseUntil',
          ConditionExpression: 'lease = :lease',
          ExpressionAttributeValues: { ':lease': leased.lease },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private item(job: SignupJob): Record<string, unknown> {
    const finished = isFinished(job);
    return {
      ...liveKeys.signup(job.signupId),
      type: 'signup',
      job,
      ...(finished
        ? { expiresAt: Math.floor(this.now() / 1000) + KEEP_FINISHED_SECONDS }
        : liveKeys.openSignupIndex(job.createdAt, job.signupId)),
    };
  }
}
