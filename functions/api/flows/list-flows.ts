/** GET /api/v1/flows: the caller's tenant's flows. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin', 'supervisor');
  return { status: 200, body: { flows: await flowStore().flowIds(caller.tenantId) } };
});
