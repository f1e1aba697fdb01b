/**
 * Queue configurations, agent profiles and reason codes in the config table (global). Reads are cached for a few
 * seconds per warm handler: routing reads a queue's settings on every assignment, and they change rarely.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import {
  type AgentProfile,
  DEFAULT_DISPOSITION_CODES,
  DEFAULT_REASON_CODES,
  type DispositionCodes,
  type QueueConfig,
  type ReasonCodes,
} from '../domain/routing/queue-config.ts';
import type { QueueDirectory } from '../domain/routing/routing-store.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';
import { queryAll } from './dynamodb-query-all.ts';

const CACHE_MS = 5_000;

export class DynamoDbQueueDirectory implements QueueDirectory {
  private readonly cache = new Map<string, { at: number; queue: QueueConfig | undefined }>();

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async queue(tenant: TenantId, queueId: string): Promise<QueueConfig | undefined> {
    const key = `${tenant}/${queueId}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && this.clock() - cached.at < CACHE_MS) return cached.queue;
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.queue(tenant, queueId) }),
      )
    ).Item;
    const queue = item?.config as QueueConfig | undefined;
    this.cache.set(key, { at: this.clock(), queue });
    return queue;
  }

  async putQueue(tenant: TenantId, queueId: string, config: QueueConfig): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...configKeys.queue(tenant, queueId), type: 'queue', queueId, config },
      }),
    );
    this.cache.delete(`${tenant}/${queueId}`);
  }

  async queueIds(tenant: TenantId): Promise<string[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#t = :queue',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: {
          ':pk': configKeys.tenant(tenant).pk,
          ':prefix': 'QUEUE#',
          ':queue': 'queue',
        },
        ProjectionExpression: 'queueId',
      }),
    );
    return (result.Items ?? []).map((i) => i.queueId as string);
  }

  async agentProfile(tenant: TenantId, agentId: string): Promise<AgentProfile | undefined> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.agentProfile(tenant, agentId) }),
      )
    ).Item;
    return item?.profile as AgentProfile | undefined;
  }

  async putAgentProfile(tenant: TenantId, agentId: string, profile: AgentProfile): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...configKeys.agentProfile(tenant, agentId), type: 'agent-profile', agentId, profile },
      }),
    );
  }

  /**
   * A new agent profile, counted against the tenant's agent limit in the same transaction (a ConflictError
   * past it); an existing profile is simply replaced.
   */
  async createOrReplaceAgentProfile(
    tenant: TenantId,
    agentId: string,
    profile: AgentProfile,
    maxAgents: number,
  ): Promise<void> {
    const item = { ...configKeys.agentProfile(tenant, agentId), type: 'agent-profile', agentId, profile };
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.table,
                Key: configKeys.usage(tenant),
                UpdateExpression: 'ADD agents :one',
                ConditionExpression: 'attribute_not_exists(agents) OR agents < :max',
                ExpressionAttributeValues: { ':one': 1, ':max': maxAgents },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [profileReason, usageReason] = error.CancellationReasons ?? [];
      if (profileReason?.Code === 'ConditionalCheckFailed')
        await this.putAgentProfile(tenant, agentId, profile);
      else if (usageReason?.Code === 'ConditionalCheckFailed')
        throw new ConflictError(
          `this contact center has its ${maxAgents} agents (its limit): ask the operator for more`,
        );
      else throw error;
    }
  }

  /** The tenant's not-ready reason codes (the defaults until it defines its own). */
  async reasonCodes(tenant: TenantId): Promise<ReasonCodes> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.reasonCodes(tenant) }),
      )
    ).Item;
    return (item?.reasonCodes as ReasonCodes | undefined) ?? DEFAULT_REASON_CODES;
  }

  async putReasonCodes(tenant: TenantId, reasonCodes: ReasonCodes): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...configKeys.reasonCodes(tenant), type: 'reason-codes', reasonCodes },
      }),
    );
  }

  /** The tenant's disposition codes (the defaults until it defines its own). */
  async dispositionCodes(tenant: TenantId): Promise<DispositionCodes> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.codes(tenant, 'disposition') }),
      )
    ).Item;
    return (item?.dispositionCodes as DispositionCodes | undefined) ?? DEFAULT_DISPOSITION_CODES;
  }

  async putDispositionCodes(tenant: TenantId, dispositionCodes: DispositionCodes): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...configKeys.codes(tenant, 'disposition'), type: 'disposition-codes', dispositionCodes },
      }),
    );
  }

  /** Every agent profile of the tenant (the wallboard's names), by agent id. */
  async agentProfiles(tenant: TenantId): Promise<Map<string, AgentProfile>> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk, ':prefix': 'AGENT#' },
    });
    return new Map(items.map((item) => [item.agentId as string, item.profile as AgentProfile]));
  }
}
