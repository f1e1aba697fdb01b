/** GET /api/v1/numbers: the tenant's phone numbers and the flow each runs, with its limit; admins, supervisors. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { tenantLimits } from '../../../layers/adapters/tenant-limits.ts';
import { numberRoutes } from './numbers.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'numbers:read', 'admin', 'supervisor');
  const [numbers, limits] = await Promise.all([
    numberRoutes().numbers(caller.tenantId),
    tenantLimits(caller.tenantId),
  ]);
  return {
    status: 200,
    body: {
      numbers: numbers.map(({ e164, flowId, assignedAt }) => ({ e164, flowId, assignedAt })),
      limit: limits.phoneNumbers,
    },
  };
});
