/**
 * POST /api/v1/api-keys `{"name": "CRM", "scopes": ["flows:read", …]}`: a new API key for the tenant → 201
 * with `key` (`olk_…`), shown this once; send it as `Authorization: Bearer <key>`. Admins; at most 20 keys.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseNewApiKey } from '../../../layers/domain/tenancy/api-keys.ts';
import { apiKeys } from './api-keys.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const created = await apiKeys().create(caller.tenantId, parseNewApiKey(jsonBody(event)), caller.email);
  return { status: 201, body: created, headers: { location: `/api/v1/api-keys/${created.keyId}` } };
});
