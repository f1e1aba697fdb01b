/** DELETE /api/v1/webhooks/{webhookId}: removes an endpoint (deliveries already made still finish); admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';
import { webhookStore } from '../../webhooks/webhooks-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const webhookId = entityId('webhook', event.pathParameters?.webhookId ?? '');
  await webhookStore().removeEndpoint(caller.tenantId, webhookId);
  return { status: 200, body: { removed: webhookId } };
});
