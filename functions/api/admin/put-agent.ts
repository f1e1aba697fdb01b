/**
 * PUT /api/v1/agents/{agentId}: an agent's profile (name, skills with levels, queues with priorities); admins.
 * A new agent counts against the tenant's agent limit (409 past it).
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { tenantLimits } from '../../../layers/adapters/tenant-limits.ts';
import { parseAgentProfile } from '../../../layers/domain/routing/queue-config.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'agents:write', 'admin');
  const agentId = entityId('agent', event.pathParameters?.agentId ?? '');
  const profile = parseAgentProfile(jsonBody(event));
  const { agents } = await tenantLimits(caller.tenantId);
  await queueDirectory().createOrReplaceAgentProfile(caller.tenantId, agentId, profile, agents);
  return { status: 200, body: { agentId, profile } };
});
