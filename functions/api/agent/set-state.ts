/** PUT /api/v1/agent/state `{"status":"available"}` or `{"status":"not-ready","reason":"lunch"}`. */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { setReady } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const body = jsonBody(event) as { status?: unknown; reason?: unknown } | null;
  const status = body?.status;
  if (status !== 'available' && status !== 'not-ready')
    throw new ValidationError('status must be "available" or "not-ready"');
  const reason = typeof body?.reason === 'string' ? body.reason : undefined;
  return {
    status: 200,
    body: { agentId, state: view(await setReady(desk(), tenant, agentId, status === 'available', reason)) },
  };
});
