/**
 * Dialled number → tenant and flow, from the number directory in the config table (global, so the standby
 * region routes the same numbers). Written with the tenant's number item, in one transaction.
 */
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { NumberRoute } from '../domain/calls/run-ivr-turn.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';

export class DynamoDbNumberRoutes {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async routeOf(dialled: string): Promise<NumberRoute | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: configKeys.numberDirectory(dialled) }),
    );
    const item = result.Item;
    if (item === undefined) return undefined;
    return { tenant: tenantId(item.tenantId as string), flowId: item.flowId as string };
  }

  /** Gives a number to a tenant and points it at a flow; a number already owned by another tenant is refused. */
  async assign(tenant: TenantId, e164: string, flowId: string): Promise<void> {
    const at = new Date().toISOString();
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: {
                ...configKeys.numberDirectory(e164),
                type: 'number-directory',
                tenantId: tenant,
                flowId,
              },
              ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :tenant',
              ExpressionAttributeValues: { ':tenant': tenant },
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: { ...configKeys.phoneNumber(tenant, e164), type: 'number', e164, flowId, assignedAt: at },
            },
          },
        ],
      }),
    );
  }
}
