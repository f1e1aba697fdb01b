/**
 * PUT /api/v1/disposition-codes `{"codes":[{"code":"sale","label":"Sale"}]}`: the tenant's disposition
 * codes, which wrap-up then holds agents to ('none' is always allowed); admins.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { parseDispositionCodes } from '../../../layers/domain/routing/queue-config.ts';
import { queueDirectory } from './directory.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const codes = parseDispositionCodes(jsonBody(event));
  await queueDirectory().putDispositionCodes(caller.tenantId, codes);
  return { status: 200, body: codes };
});
