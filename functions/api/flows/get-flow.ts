/** GET /api/v1/flows/{flowId}: the published version calls use, and the draft being edited. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { NotFoundError } from '../../../layers/domain/errors.ts';
import { flowIdOf, flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:read', 'admin', 'supervisor');
  const flowId = flowIdOf(event);
  const [published, draft] = await Promise.all([
    flowStore().published(caller.tenantId, flowId),
    flowStore().draft(caller.tenantId, flowId),
  ]);
  if (published === undefined && draft === undefined) throw new NotFoundError(`no flow '${flowId}'`);
  return { status: 200, body: { flowId, published: published ?? null, draft: draft ?? null } };
});
