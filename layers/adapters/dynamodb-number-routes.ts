/**
 * Dialled number → tenant and flow, from the number directory in the config table (global, so the standby
 * region routes the same numbers). Written with the tenant's number item, in one transaction.
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { NumberRoute } from '../domain/calls/run-ivr-turn.ts';
import { type TenantId, tenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';
import { DynamoDbExtensions } from './dynamodb-extensions.ts';
import { tenantItems } from './dynamodb-query-all.ts';

/** A SIP media application that can place calls from a number, in its region. */
export interface OutboundRoute {
  readonly region: string;
  readonly sipMediaApplicationId: string;
}

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
    // A shared access number belongs to no tenant: the caller names one with an extension code.
    if (item === undefined || item.access === true) return undefined;
    return { tenant: tenantId(item.tenantId as string), flowId: item.flowId as string };
  }

  /** Whether a number is the platform's shared access number. */
  async isAccessNumber(dialled: string): Promise<boolean> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: configKeys.numberDirectory(dialled) }),
    );
    return result.Item?.access === true;
  }

  /** Where an extension code dialled on a shared access number goes. */
  async extensionRoute(accessNumber: string, code: string): Promise<NumberRoute | undefined> {
    return new DynamoDbExtensions(this.documents, this.table).route(accessNumber, code);
  }

  /**
   * Gives a number to a tenant and points it at a flow; a number already owned by another tenant is
   * refused. `sipMediaApplications` are where calls from the number are placed (one per region).
   */
  async assign(
    tenant: TenantId,
    e164: string,
    flowId: string,
    sipMediaApplications: readonly OutboundRoute[] = [],
    sipRuleId?: string,
  ): Promise<void> {
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
              Item: {
                ...configKeys.phoneNumber(tenant, e164),
                type: 'number',
                e164,
                flowId,
                sipMediaApplications,
                ...(sipRuleId === undefined ? {} : { sipRuleId }),
                assignedAt: at,
              },
            },
          },
        ],
      }),
    );
  }

  /** The tenant's numbers, with the flow each one runs. */
  async numbers(
    tenant: TenantId,
  ): Promise<{ e164: string; flowId: string; assignedAt: string; sipRuleId?: string }[]> {
    const items = await tenantItems(this.documents, this.table, tenant, 'NUMBER#', 1000);
    return items.map((i) => ({
      e164: i.e164 as string,
      flowId: i.flowId as string,
      assignedAt: i.assignedAt as string,
      ...(typeof i.sipRuleId === 'string' ? { sipRuleId: i.sipRuleId } : {}),
    }));
  }

  /** Takes a number from the tenant: calls to it stop reaching the tenant at once. Only the holder can. */
  async unassign(tenant: TenantId, e164: string): Promise<boolean> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: configKeys.numberDirectory(e164),
                ConditionExpression: 'tenantId = :tenant',
                ExpressionAttributeValues: { ':tenant': tenant },
              },
            },
            { Delete: { TableName: this.table, Key: configKeys.phoneNumber(tenant, e164) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /**
   * A number of the tenant's to call out from (`from` if the tenant owns it, else its first number), with
   * the SIP media application to place the call: the one in `region` if the number has one there.
   */
  async outboundLine(
    tenant: TenantId,
    region: string,
    from?: string,
  ): Promise<{ number: string; carrier: OutboundRoute } | undefined> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :numbers)',
        ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk, ':numbers': 'NUMBER#' },
        Limit: 100,
      }),
    );
    const numbers = (result.Items ?? []).filter(
      (i) => ((i.sipMediaApplications as OutboundRoute[] | undefined) ?? []).length > 0,
    );
    const line = from === undefined ? numbers[0] : numbers.find((i) => i.e164 === from);
    if (line === undefined) return undefined;
    const routes = line.sipMediaApplications as OutboundRoute[];
    return {
      number: line.e164 as string,
      carrier: routes.find((r) => r.region === region) ?? (routes[0] as OutboundRoute),
    };
  }
}
