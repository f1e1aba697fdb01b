/**
 * GET /api/v1/extensions: the platform's shared access number and the tenant's extension codes on it (a
 * caller dials the number, keys the code and reaches the code's flow); admins and supervisors.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { extensions } from './extensions.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin', 'supervisor');
  const [accessNumber, codes] = await Promise.all([
    extensions().accessNumber(),
    extensions().list(caller.tenantId),
  ]);
  return { status: 200, body: { accessNumber: accessNumber ?? null, extensions: codes } };
});
