/**
 * POST /api/v1/webhooks `{"url": "https://…", "events": ["call.ended", …], "description"?}`: a new endpoint
 * for the tenant's call events → 201; with the tenant's first endpoint, the answer carries the signing
 * secret (`whsec_…`), this once. Admins; at most ten endpoints.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { parseWebhookEndpoint } from '../../../layers/domain/webhooks/webhooks.ts';
import { webhookStore } from '../../webhooks/webhooks-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const input = parseWebhookEndpoint(jsonBody(event), runtimeConfig().lookupPlainHttpHosts);
  const { endpoint, secret } = await webhookStore().addEndpoint(caller.tenantId, input);
  return { status: 201, body: { ...endpoint, ...(secret === undefined ? {} : { secret }) } };
});
