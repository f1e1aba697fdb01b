/** POST /api/v1/flows/{flowId}/rollback `{"version": n}`: new calls use version n again. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { rollBack } from '../../../layers/domain/flows/flow-service.ts';
import { flowIdOf, flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:write', 'admin');
  const flowId = flowIdOf(event);
  const body = jsonBody(event) as { version?: unknown } | null;
  const target = await rollBack(flowStore(), caller.tenantId, flowId, Number(body?.version), caller.email);
  return { status: 200, body: { flowId, published: target.version } };
});
