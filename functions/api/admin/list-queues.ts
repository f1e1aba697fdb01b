/** GET /api/v1/queues: the tenant's queues with their settings; admins and supervisors. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'queues:read', 'admin', 'supervisor');
  const ids = await queueDirectory().queueIds(caller.tenantId);
  const queues = await Promise.all(
    ids.map(async (queueId) => ({ queueId, config: await queueDirectory().queue(caller.tenantId, queueId) })),
  );
  return { status: 200, body: { queues } };
});
