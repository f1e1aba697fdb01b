/**
 * The per-tenant API rate limit: one counter item per tenant and second in the live table, incremented on
 * the condition that it stays within the tenant's limit (so every handler instance in every container
 * counts together). Over the limit, the request is refused with 429 and Retry-After. A request without a
 * verified tenant (an open route) is not counted; if the counter cannot be reached, the request goes on.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { runtimeClients } from '../config/aws-clients.ts';
import { runtimeConfig } from '../config/config.ts';
import { TooManyRequestsError } from '../domain/errors.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { liveKeys } from '../resources/keys.ts';
import { callerIdentity } from './caller-identity.ts';
import { logger } from './logger.ts';
import { tenantLimits } from './tenant-limits.ts';

export async function tenantRateLimit(event: APIGatewayProxyEventV2): Promise<void> {
  const tenant = verifiedTenant(event);
  if (tenant === undefined) return;
  const now = new Date();
  let perSecond: number | undefined;
  try {
    perSecond = (await tenantLimits(tenant)).apiRequestsPerSecond;
    await runtimeClients().documents.send(
      new UpdateCommand({
        TableName: runtimeConfig().tables.live,
        Key: liveKeys.tenantRateWindow(tenant, 'api', now.toISOString().slice(0, 19)),
        UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': perSecond,
          ':expires': Math.floor(now.getTime() / 1000) + 120,
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new TooManyRequestsError(
        `this contact center is over its ${perSecond} API requests a second: retry in a second`,
        1,
      );
    // The limit protects the others; it must not take the API down with it.
    logger().warn('the rate counter could not be reached', { tenantId: tenant, error: error as Error });
  }
}

/** The tenant of a request whose token or API key an authoriser verified; undefined for an open route. */
function verifiedTenant(event: APIGatewayProxyEventV2): TenantId | undefined {
  try {
    return callerIdentity(event).tenantId;
  } catch {
    return undefined;
  }
}
