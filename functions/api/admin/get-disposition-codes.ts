/** GET /api/v1/disposition-codes: how the tenant's agents sum calls up at wrap-up; any member. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin', 'supervisor', 'agent');
  return { status: 200, body: await queueDirectory().dispositionCodes(caller.tenantId) };
});
