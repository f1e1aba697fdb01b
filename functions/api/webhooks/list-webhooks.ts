/** GET /api/v1/webhooks: the tenant's webhook endpoints and the events each takes (never the secret); admins. */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { WEBHOOK_EVENTS } from '../../../layers/domain/webhooks/webhooks.ts';
import { webhookStore } from '../../webhooks/webhooks-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const [webhooks, secret] = await Promise.all([
    webhookStore().endpoints(caller.tenantId),
    webhookStore().secret(caller.tenantId),
  ]);
  return { status: 200, body: { webhooks, events: WEBHOOK_EVENTS, secretSet: secret !== undefined } };
});
