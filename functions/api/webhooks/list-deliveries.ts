/**
 * GET /api/v1/webhooks/{webhookId}/deliveries: the endpoint's delivery log, newest first (event, status,
 * attempts, last answer, next attempt); admins. Kept 14 days.
 */
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { NotFoundError } from '../../../layers/domain/errors.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';
import { webhookStore } from '../../webhooks/webhooks-store.ts';

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireGroup(caller, 'admin');
  const webhookId = entityId('webhook', event.pathParameters?.webhookId ?? '');
  if ((await webhookStore().endpoint(caller.tenantId, webhookId)) === undefined)
    throw new NotFoundError('this contact center has no such webhook');
  const log = await webhookStore().log(caller.tenantId, webhookId);
  return {
    status: 200,
    body: {
      deliveries: log.map((d) => ({
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        attempts: d.attempts,
        createdAt: d.createdAt,
        ...(d.lastStatusCode === undefined ? {} : { lastStatusCode: d.lastStatusCode }),
        ...(d.lastError === undefined || d.lastError === '' ? {} : { lastError: d.lastError }),
        ...(d.deliveredAt === undefined ? {} : { deliveredAt: d.deliveredAt }),
        ...(d.status === 'pending' && d.dueAt !== undefined ? { nextAttemptAt: d.dueAt } : {}),
      })),
    },
  };
});
