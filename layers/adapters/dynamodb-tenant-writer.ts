/**
 * A new tenant's configuration in the config table: the tenant item, its starter queue and published starter
 * flow, its first number's route; and, when a sign-up is undone, every item of the tenant again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import { publishFlow } from '../domain/flows/flow-service.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import type { SipTarget, TenantWriter } from '../domain/tenancy/provision-tenant.ts';
import {
  STARTER_FLOW_ID,
  STARTER_QUEUE_ID,
  starterFlow,
  starterQueue,
} from '../domain/tenancy/starter-kit.ts';
import { configKeys } from '../resources/keys.ts';
import { DynamoDbFlowStore } from './dynamodb-flow-store.ts';
import { DynamoDbNumberRoutes } from './dynamodb-number-routes.ts';
import { queryAll } from './dynamodb-query-all.ts';
import { DynamoDbQueueDirectory } from './dynamodb-queue-directory.ts';
import { DynamoDbUsers } from './dynamodb-users.ts';

export class DynamoDbTenantWriter implements TenantWriter {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(
    tenant: TenantId,
    companyName: string,
    adminEmail: string,
    adminUserId?: string,
  ): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...configKeys.tenant(tenant),
          type: 'tenant',
          tenantId: tenant,
          name: companyName,
          adminEmail,
          status: 'provisioning',
          timezone: 'UTC',
          createdAt: new Date().toISOString(),
        },
        // A step run twice finds its own tenant; a tenant id is never reused.
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :provisioning',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':provisioning': 'provisioning' },
      }),
    );
    if (adminUserId !== undefined)
      await new DynamoDbUsers(this.documents, this.table).put(tenant, {
        userId: adminUserId,
        email: adminEmail,
        groups: ['admin', 'supervisor'],
        invitedAt: new Date().toISOString(),
        invitedBy: 'sign-up',
      });
    await new DynamoDbQueueDirectory(this.documents, this.table).putQueue(
      tenant,
      STARTER_QUEUE_ID,
      starterQueue(),
    );
    const flows = new DynamoDbFlowStore(this.documents, this.table);
    if ((await flows.published(tenant, STARTER_FLOW_ID)) === undefined)
      await publishFlow(flows, tenant, STARTER_FLOW_ID, starterFlow(companyName), 'sign-up');
  }

  async assignNumber(
    tenant: TenantId,
    e164: string,
    targets: readonly SipTarget[],
    sipRuleId: string,
  ): Promise<void> {
    await new DynamoDbNumberRoutes(this.documents, this.table).assign(
      tenant,
      e164,
      STARTER_FLOW_ID,
      targets,
      sipRuleId,
    );
  }

  async unassignNumber(tenant: TenantId, e164: string): Promise<void> {
    await new DynamoDbNumberRoutes(this.documents, this.table).unassign(tenant, e164);
  }

  /** Refuses what a half-made tenant must not do yet (it could be undone with it still outside). */
  async requireActive(tenant: TenantId): Promise<void> {
    const item = (
      await this.documents.send(new GetCommand({ TableName: this.table, Key: configKeys.tenant(tenant) }))
    ).Item;
    if (item?.status === 'provisioning')
      throw new ConflictError('this contact center is still being set up: try again when its number is live');
  }

  async activate(tenant: TenantId): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: configKeys.tenant(tenant),
        UpdateExpression: 'SET #s = :active, activatedAt = if_not_exists(activatedAt, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':active': 'active', ':now': new Date().toISOString() },
      }),
    );
  }

  async remove(tenant: TenantId, e164: string | undefined): Promise<void> {
    if (e164 !== undefined) {
      const entry = (
        await this.documents.send(
          new GetCommand({ TableName: this.table, Key: configKeys.numberDirectory(e164) }),
        )
      ).Item;
      if (entry?.tenantId === tenant)
        await this.documents.send(
          new DeleteCommand({
            TableName: this.table,
            Key: configKeys.numberDirectory(e164),
            ConditionExpression: 'tenantId = :tenant',
            ExpressionAttributeValues: { ':tenant': tenant },
          }),
        );
    }
    const items = await queryAll(this.documents, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk },
    });
    // The directory entries the tenant's items own (keys, extension codes, numbers) go first, each only if
    // it still points at this tenant.
    for (const item of items) {
      const directory =
        item.type === 'apikey' && typeof item.hash === 'string'
          ? configKeys.apiKeyDirectory(item.hash)
          : item.type === 'extension' &&
              typeof item.accessNumber === 'string' &&
              typeof item.code === 'string'
            ? configKeys.extensionDirectory(item.accessNumber, item.code)
            : item.type === 'number' && typeof item.e164 === 'string'
              ? configKeys.numberDirectory(item.e164)
              : undefined;
      if (directory === undefined) continue;
      try {
        await this.documents.send(
          new DeleteCommand({
            TableName: this.table,
            Key: directory,
            ConditionExpression: 'tenantId = :tenant',
            ExpressionAttributeValues: { ':tenant': tenant },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    for (let i = 0; i < items.length; i += 25) {
      let pending = items
        .slice(i, i + 25)
        .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      while (pending.length > 0) {
        const result = await this.documents.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: pending } }),
        );
        pending = (result.UnprocessedItems?.[this.table] ?? []) as typeof pending;
      }
    }
  }
}
