/**
 * PUT /api/v1/reason-codes: the tenant's not-ready reason codes, `{"codes":[{"code":"lunch","label":"Lunch"}]}`;
 * admins. Agents already not ready keep their reason.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseReasonCodes } from '../../../layers/domain/routing/queue-config.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const codes = parseReasonCodes(jsonBody(event));
  await queueDirectory().putReasonCodes(caller.tenantId, codes);
  return { status: 200, body: codes };
});
