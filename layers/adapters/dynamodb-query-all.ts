/** Every item a Query finds, page after page (up to `max`): for lists a screen shows whole. */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { configKeys } from '../resources/keys.ts';

export async function queryAll(
  documents: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  max = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined && items.length < max);
  return items;
}

/** The items of a tenant's configuration partition whose sort key starts with `prefix` (NUMBER#, APIKEY#…). */
export function tenantItems(
  documents: DynamoDBDocumentClient,
  table: string,
  tenant: TenantId,
  prefix: string,
  max = 1_000,
): Promise<Record<string, unknown>[]> {
  return queryAll(
    documents,
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': configKeys.tenant(tenant).pk, ':prefix': prefix },
    },
    max,
  );
}
