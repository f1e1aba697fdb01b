/**
 * POST /api/v1/flows/{flowId}/versions: publishes `{"document": …}`, or the saved draft when the body is
 * `{}`, as a new immutable version that new calls use. An invalid document changes nothing (400).
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { publishFlow } from '../../../layers/domain/flows/flow-service.ts';
import { flowIdOf, flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:write', 'admin');
  const flowId = flowIdOf(event);
  const body = event.body === undefined || event.body === '' ? {} : jsonBody(event);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('the body must be {"document": {...}}, or {} to publish the draft');
  const { version } = await publishFlow(
    flowStore(),
    caller.tenantId,
    flowId,
    (body as { document?: unknown }).document,
    caller.email,
  );
  return { status: 201, body: { flowId, version } };
});
