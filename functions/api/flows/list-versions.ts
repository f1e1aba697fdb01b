/** GET /api/v1/flows/{flowId}/versions: every published version, newest first, and which one is live. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { flowIdOf, flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:read', 'admin', 'supervisor');
  const flowId = flowIdOf(event);
  const [versions, published] = await Promise.all([
    flowStore().versions(caller.tenantId, flowId),
    flowStore().published(caller.tenantId, flowId),
  ]);
  return { status: 200, body: { flowId, published: published?.version ?? null, versions } };
});
