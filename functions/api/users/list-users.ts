/** GET /api/v1/users: the tenant's users with their roles; admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { tenantUsers } from './users.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  return { status: 200, body: { users: await tenantUsers().list(caller.tenantId) } };
});
