/** GET /api/v1/flows/{flowId}/versions/{version}: one published version's document. */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { NotFoundError, ValidationError } from '../../../layers/domain/errors.ts';
import { flowIdOf, flowStore } from './flow-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'flows:read', 'admin', 'supervisor');
  const flowId = flowIdOf(event);
  const version = Number(event.pathParameters?.version);
  if (!Number.isInteger(version) || version < 1)
    throw new ValidationError('version must be a whole number from 1');
  const found = await flowStore().version(caller.tenantId, flowId, version);
  if (found === undefined) throw new NotFoundError(`flow '${flowId}' has no version ${version}`);
  return { status: 200, body: { flowId, ...found } };
});
