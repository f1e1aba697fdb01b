/** PUT /api/v1/agents/{agentId}: an agent's profile (name, skills with levels, queues with priorities); admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseAgentProfile } from '../../../layers/domain/routing/queue-config.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const agentId = entityId('agent', event.pathParameters?.agentId ?? '');
  const profile = parseAgentProfile(jsonBody(event));
  await queueDirectory().putAgentProfile(caller.tenantId, agentId, profile);
  return { status: 200, body: { agentId, profile } };
});
