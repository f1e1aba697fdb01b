/** GET /api/v1/reason-codes: the tenant's not-ready reason codes (its agents choose from them); any member. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin', 'supervisor', 'agent');
  return { status: 200, body: await queueDirectory().reasonCodes(caller.tenantId) };
});
