/** GET /api/v1/api-keys: the tenant's API keys (id, name, scopes, when and by whom; never the secret); admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { API_SCOPES } from '../../../layers/domain/tenancy/api-keys.ts';
import { apiKeys } from './api-keys.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  return { status: 200, body: { keys: await apiKeys().list(caller.tenantId), scopes: API_SCOPES } };
});
