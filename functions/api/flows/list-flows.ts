/** GET /api/v1/flows: the caller's tenant's flows. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:read', 'admin', 'supervisor');
  return { status: 200, body: { flows: await flowStore().flowIds(caller.tenantId) } };
});
