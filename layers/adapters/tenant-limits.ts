/**
 * A tenant's limits as the operator set them in the config table (defaults for whatever is unset), cached
 * for half a minute per warm handler: they change rarely and are read on every request.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { runtimeClients } from '../config/aws-clients.ts';
import { runtimeConfig } from '../config/config.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { type TenantLimits, tenantLimitsOf } from '../domain/tenancy/limits.ts';
import { configKeys } from '../resources/keys.ts';

const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; limits: TenantLimits }>();

export async function tenantLimits(tenant: TenantId): Promise<TenantLimits> {
  const cached = cache.get(tenant);
  if (cached !== undefined && Date.now() - cached.at < CACHE_MS) return cached.limits;
  const item = (
    await runtimeClients().documents.send(
      new GetCommand({ TableName: runtimeConfig().tables.config, Key: configKeys.limits(tenant) }),
    )
  ).Item;
  const found = tenantLimitsOf(item?.limits);
  cache.set(tenant, { at: Date.now(), limits: found });
  return found;
}

/** The concurrent-call limit as the call store takes it. */
export async function concurrentCallLimit(tenant: TenantId): Promise<number> {
  return (await tenantLimits(tenant)).concurrentCalls;
}
