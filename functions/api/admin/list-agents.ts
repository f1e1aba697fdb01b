/** GET /api/v1/agents: the tenant's agent profiles (name, skills with levels, queues with priorities); admins, supervisors. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { tenantLimits } from '../../../layers/adapters/tenant-limits.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'agents:read', 'admin', 'supervisor');
  const [profiles, limits] = await Promise.all([
    queueDirectory().agentProfiles(caller.tenantId),
    tenantLimits(caller.tenantId),
  ]);
  return {
    status: 200,
    body: {
      agents: [...profiles].map(([agentId, profile]) => ({ agentId, profile })),
      limit: limits.agents,
    },
  };
});
