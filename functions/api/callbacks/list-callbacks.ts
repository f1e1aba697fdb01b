/**
 * GET /api/v1/callbacks?limit=50: callers who asked to be called back (a queue overflowing to `callback`),
 * newest first; agents, supervisors and admins of the tenant.
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { DynamoDbCallbackRequests } from '../../../layers/adapters/dynamodb-callback-requests.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';

let requests: DynamoDbCallbackRequests | undefined;

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'callbacks:read', 'agent', 'supervisor', 'admin');
  const limit = Number(event.queryStringParameters?.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new ValidationError('limit must be a whole number from 1 to 200');
  requests ??= new DynamoDbCallbackRequests(runtimeClients().documents, runtimeConfig().tables.live);
  return { status: 200, body: { callbacks: await requests.recent(caller.tenantId, limit) } };
});
