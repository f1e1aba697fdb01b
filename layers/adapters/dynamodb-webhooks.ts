/**
 * Webhooks in DynamoDB. Endpoints and the tenant's signing secret are configuration (config table,
 * global); deliveries are live state (live table, regional: the region whose stream saw the call delivers
 * its events). A delivery is made once per event and endpoint (a conditional put keyed by the event's
 * stable id), waits in a sparse "due" index until attempted, and is taken for an attempt with a
 * conditional write on its attempt count, so two workers never send the same attempt.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import {
  generateWebhookSecret,
  MAX_WEBHOOKS,
  type WebhookEndpointInput,
  type WebhookEvent,
  type WebhookEventType,
} from '../domain/webhooks/webhooks.ts';
import { configKeys, liveKeys } from '../resources/keys.ts';
import { limitReached, usageDecrement, usageIncrement } from './tenant-usage.ts';

export interface WebhookEndpoint {
  readonly webhookId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string;
  readonly createdAt: string;
}

export interface Delivery {
  readonly tenantId: TenantId;
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: WebhookEventType;
  readonly url: string;
  readonly body: string;
  readonly createdAt: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly dueAt?: string;
  readonly lastStatusCode?: number;
  readonly lastError?: string;
  readonly deliveredAt?: string;
}

const KEEP_DELIVERIES_S = 14 * 24 * 3600;
const ENDPOINTS_CACHE_MS = 10_000;

export class DynamoDbWebhooks {
  private readonly endpointsCache = new Map<string, { at: number; endpoints: WebhookEndpoint[] }>();

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly configTable: string,
    private readonly liveTable: string,
  ) {}

  // ------------------------------------------------------------------ endpoints and secret (config)

  async endpoints(tenant: TenantId, cached = false): Promise<WebhookEndpoint[]> {
    const hit = this.endpointsCache.get(tenant);
    if (cached && hit !== undefined && Date.now() - hit.at < ENDPOINTS_CACHE_MS) return hit.endpoints;
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.configTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hooks)',
        ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk, ':hooks': 'WEBHOOK#' },
        Limit: 50,
      }),
    );
    const endpoints = (result.Items ?? []).map((i) => ({
      webhookId: i.webhookId as string,
      url: i.url as string,
      events: i.events as WebhookEventType[],
      description: (i.description as string | undefined) ?? '',
      createdAt: i.createdAt as string,
    }));
    this.endpointsCache.set(tenant, { at: Date.now(), endpoints });
    return endpoints;
  }

  /** Adds an endpoint; the tenant's secret is made with its first one (and returned then only). */
  async addEndpoint(
    tenant: TenantId,
    input: WebhookEndpointInput,
  ): Promise<{ endpoint: WebhookEndpoint; secret?: string }> {
    const endpoint: WebhookEndpoint = {
      webhookId: randomBytes(9)
        .toString('base64url')
        .replace(/[^A-Za-z0-9]/g, 'x'),
      url: input.url,
      events: input.events,
      description: input.description,
      createdAt: new Date().toISOString(),
    };
    // The secret before the endpoint: an endpoint never exists without a secret to sign its deliveries.
    const secret = generateWebhookSecret();
    const made = await this.putSecret(tenant, secret, true);
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            usageIncrement(this.configTable, tenant, 'webhooks', MAX_WEBHOOKS),
            {
              Put: {
                TableName: this.configTable,
                Item: { ...configKeys.webhook(tenant, endpoint.webhookId), type: 'webhook', ...endpoint },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && limitReached(error, 0))
        throw new ConflictError(`a contact center may have at most ${MAX_WEBHOOKS} webhook endpoints`);
      throw error;
    }
    this.endpointsCache.delete(tenant);
    return made ? { endpoint, secret } : { endpoint };
  }

  async removeEndpoint(tenant: TenantId, webhookId: string): Promise<void> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.configTable,
                Key: configKeys.webhook(tenant, webhookId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            usageDecrement(this.configTable, tenant, 'webhooks'),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new NotFoundError('this contact center has no such webhook');
      throw error;
    }
    this.endpointsCache.delete(tenant);
  }

  async endpoint(tenant: TenantId, webhookId: string): Promise<WebhookEndpoint | undefined> {
    return (await this.endpoints(tenant)).find((e) => e.webhookId === webhookId);
  }

  async secret(tenant: TenantId): Promise<string | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.configTable, Key: configKeys.webhookSecret(tenant) }),
      )
    ).Item;
    return item?.secret as string | undefined;
  }

  /** A new secret for all the tenant's endpoints, from now on. */
  async rotateSecret(tenant: TenantId): Promise<string> {
    const secret = generateWebhookSecret();
    await this.putSecret(tenant, secret, false);
    return secret;
  }

  /** Stores the tenant's secret; with `onlyIfNone`, false (and nothing stored) if it has one already. */
  private async putSecret(tenant: TenantId, secret: string, onlyIfNone: boolean): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.configTable,
          Item: {
            ...configKeys.webhookSecret(tenant),
            type: 'webhook-secret',
            secret,
            createdAt: new Date().toISOString(),
          },
          ...(onlyIfNone ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (onlyIfNone && error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // ------------------------------------------------------------------ deliveries (live)

  /** Records a delivery of the event to the endpoint, due now; a second call for the same event is a no-op. */
  async enqueue(endpoint: WebhookEndpoint, event: WebhookEvent): Promise<boolean> {
    const now = new Date().toISOString();
    const delivery: Delivery = {
      tenantId: event.tenantId,
      webhookId: endpoint.webhookId,
      eventId: event.id,
      eventType: event.type,
      url: endpoint.url,
      body: JSON.stringify({
        id: event.id,
        type: event.type,
        tenantId: event.tenantId,
        occurredAt: event.occurredAt,
        data: event.data,
      }),
      createdAt: now,
      status: 'pending',
      attempts: 0,
      dueAt: now,
    };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.liveTable,
          Item: {
            ...liveKeys.webhookDelivery(event.tenantId, endpoint.webhookId, event.id),
            type: 'webhook-delivery',
            ...delivery,
            ...liveKeys.webhookLogIndex(event.tenantId, endpoint.webhookId, now, event.id),
            ...liveKeys.webhookDueIndex(now, event.tenantId, endpoint.webhookId, event.id),
            expiresAt: Math.floor(Date.now() / 1000) + KEEP_DELIVERIES_S,
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

  /** Deliveries due by `now`, oldest first. */
  async due(now: string, limit = 50): Promise<Delivery[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.liveTable,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :due AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':due': liveKeys.webhookDuePartition, ':now': `${now}~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []) as Delivery[];
  }

  /**
   * Takes a due delivery for one attempt: it leaves the due index for `holdMs` (so no other worker sends
   * it meanwhile) and its attempt count moves on. False if another worker took it first.
   */
  async take(delivery: Delivery, holdMs: number): Promise<boolean> {
    const heldUntil = new Date(Date.now() + holdMs).toISOString();
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.liveTable,
          Key: liveKeys.webhookDelivery(delivery.tenantId, delivery.webhookId, delivery.eventId),
          UpdateExpression: 'SET attempts = :next, dueAt = :held, gsi2sk = :sk',
          ConditionExpression: 'attempts = :seen AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':next': delivery.attempts + 1,
            ':seen': delivery.attempts,
            ':pending': 'pending',
            ':held': heldUntil,
            ':sk': liveKeys.webhookDueIndex(
              heldUntil,
              delivery.tenantId,
              delivery.webhookId,
              delivery.eventId,
            ).gsi2sk,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The outcome of an attempt: delivered, due again at `retryAt`, or given up. */
  async settle(
    delivery: Delivery,
    attempt: number,
    outcome: { delivered: boolean; statusCode?: number; error?: string; retryAt?: string },
  ): Promise<void> {
    const key = liveKeys.webhookDelivery(delivery.tenantId, delivery.webhookId, delivery.eventId);
    const values: Record<string, unknown> = { ':attempt': attempt, ':lastError': outcome.error ?? '' };
    const sets = ['lastError = :lastError'];
    if (outcome.statusCode !== undefined) {
      sets.push('lastStatusCode = :code');
      values[':code'] = outcome.statusCode;
    }
    let remove = ' REMOVE gsi2pk, gsi2sk, dueAt';
    if (outcome.delivered) {
      sets.push('#status = :status', 'deliveredAt = :at');
      values[':status'] = 'delivered';
      values[':at'] = new Date().toISOString();
    } else if (outcome.retryAt !== undefined) {
      sets.push('dueAt = :due', 'gsi2sk = :sk');
      values[':due'] = outcome.retryAt;
      values[':sk'] = liveKeys.webhookDueIndex(
        outcome.retryAt,
        delivery.tenantId,
        delivery.webhookId,
        delivery.eventId,
      ).gsi2sk;
      remove = '';
    } else {
      sets.push('#status = :status');
      values[':status'] = 'failed';
    }
    const expression = `SET ${sets.join(', ')}${remove}`;
    const names = expression.includes('#status') ? { '#status': 'status' } : undefined;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.liveTable,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: 'attempts = :attempt',
          ...(names === undefined ? {} : { ExpressionAttributeNames: names }),
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // A later attempt was taken meanwhile (this one overran its hold): that attempt's outcome counts.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** An endpoint's deliveries, newest first. */
  async log(tenant: TenantId, webhookId: string, limit = 50): Promise<Delivery[]> {
    const index = liveKeys.webhookLogIndex(tenant, webhookId, '', '');
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.liveTable,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :log',
        ExpressionAttributeValues: { ':log': index.gsi1pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []) as Delivery[];
  }
}
