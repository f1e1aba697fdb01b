/** DELETE /api/v1/api-keys/{keyId}: revokes one of the tenant's API keys; admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { apiKeys } from './api-keys.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const keyId = event.pathParameters?.keyId ?? '';
  if (!/^[a-z0-9]{12}$/.test(keyId)) throw new ValidationError('keyId must be 12 characters of a-z and 0-9');
  await apiKeys().revoke(caller.tenantId, keyId);
  return { status: 200, body: { revoked: keyId } };
});
