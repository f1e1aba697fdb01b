/** PUT /api/v1/queues/{queueId}: creates or replaces a queue (strategy, limits, overflow, wrap-up...); admins. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseQueueConfig } from '../../../layers/domain/routing/queue-config.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'queues:write', 'admin');
  const queueId = entityId('queue', event.pathParameters?.queueId ?? '');
  const config = parseQueueConfig(jsonBody(event));
  await queueDirectory().putQueue(caller.tenantId, queueId, config);
  return { status: 200, body: { queueId, config } };
});
