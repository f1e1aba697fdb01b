/** PUT /api/v1/flows/{flowId}/draft: saves a valid document as the draft; an invalid one is refused (400). */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { saveDraft } from '../../../layers/domain/flows/flow-service.ts';
import { flowIdOf, flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:write', 'admin');
  const flowId = flowIdOf(event);
  const document = await saveDraft(flowStore(), caller.tenantId, flowId, jsonBody(event), caller.email);
  return { status: 200, body: { flowId, draft: { document } } };
});
