/** POST /api/v1/webhooks/secret: a new signing secret for all the tenant's endpoints, returned this once; admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { webhookStore } from '../../webhooks/webhooks-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  // It takes nothing: a body that says something is a mistake, not a request to rotate.
  if (event.body !== undefined && event.body.trim() !== '' && event.body.trim() !== '{}')
    throw new ValidationError('this request takes no body (or an empty JSON object)');
  return { status: 200, body: { secret: await webhookStore().rotateSecret(caller.tenantId) } };
});
