/**
 * A tenant's limits, set by the platform's operator (not by the tenant): what keeps one noisy tenant from
 * degrading the others in the pooled deployment.
 */
import { z } from 'zod';

export const tenantLimitsSchema = z.strictObject({
  /**
   * Signed-in API requests per second, across all of the tenant's users and keys. The default serves the
   * largest tenant of the design (5,000 seats, 5,000 calls in 3 minutes) with room to spare.
   */
  apiRequestsPerSecond: z.number().int().min(1).max(100_000).default(1_000),
  /** Agent profiles (seats): the design's largest tenant has 5,000. */
  agents: z.number().int().min(1).max(100_000).default(5_000),
  /**
   * Calls in progress at once (from reaching the flow to hanging up, agents' calls out not counted): past
   * it, callers hear that every line is busy. Raise it for a tenant with more seats than this.
   */
  concurrentCalls: z.number().int().min(1).max(100_000).default(1_000),
  /** Phone numbers the tenant may hold (each is a monthly cost to the platform). */
  phoneNumbers: z.number().int().min(1).max(10_000).default(10),
});
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

export const DEFAULT_TENANT_LIMITS: TenantLimits = tenantLimitsSchema.parse({});

/** The stored limits, with defaults for whatever is missing or not valid. */
export function tenantLimitsOf(stored: unknown): TenantLimits {
  const parsed = tenantLimitsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DEFAULT_TENANT_LIMITS;
}
