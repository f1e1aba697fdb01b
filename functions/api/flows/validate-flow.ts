/** POST /api/v1/flows/validate: checks a document without saving it (the editor's live validation). */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { validateFlow } from '../../../layers/domain/flows/validate-flow.ts';

export const handler = httpHandler(async (event) => {
  requireAccess(callerIdentity(event), 'flows:read', 'admin');
  const check = validateFlow(jsonBody(event));
  return {
    status: 200,
    body: check.ok ? { valid: true, problems: [] } : { valid: false, problems: check.problems },
  };
});
