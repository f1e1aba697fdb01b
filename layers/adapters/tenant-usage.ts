/**
 * What a tenant holds against its count limits (API keys, webhook endpoints, extension codes), as
 * transaction items for the config table's usage item: added in the same transaction that creates the
 * thing (on the condition that the count stays within the limit), taken back in the one that deletes it,
 * so parallel requests cannot pass a limit together.
 */
import type { TenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';

export type UsageField = 'apiKeys' | 'webhooks' | 'extensions';

/** +1 within `max` (a failed condition on this item means the limit is reached). */
export function usageIncrement(table: string, tenant: TenantId, field: UsageField, max: number) {
  return {
    Update: {
      TableName: table,
      Key: configKeys.usage(tenant),
      UpdateExpression: 'ADD #field :one',
      ConditionExpression: 'attribute_not_exists(#field) OR #field < :max',
      ExpressionAttributeNames: { '#field': field },
      ExpressionAttributeValues: { ':one': 1, ':max': max },
    },
  };
}

export function usageDecrement(table: string, tenant: TenantId, field: UsageField) {
  return {
    Update: {
      TableName: table,
      Key: configKeys.usage(tenant),
      UpdateExpression: 'ADD #field :minus',
      ExpressionAttributeNames: { '#field': field },
      ExpressionAttributeValues: { ':minus': -1 },
    },
  };
}

/** Whether a cancelled transaction failed on its usage item (at `index`): the limit is reached. */
export function limitReached(error: unknown, index: number): boolean {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.[index]?.Code === 'ConditionalCheckFailed';
}
