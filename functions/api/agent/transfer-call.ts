/**
 * POST /api/v1/agent/call/transfer: a blind transfer of the agent's call, to one of
 * `{"to":{"queueId":"support"}}`, `{"to":{"agentId":"…"}}` or `{"to":{"number":"+14255550123"}}`.
 * The agent goes to wrap-up.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { type TransferTarget, transfer } from '../../../layers/domain/routing/agent-desk.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const target = targetOf((jsonBody(event) as { to?: unknown } | null)?.to);
  return { status: 200, body: { agentId, state: view(await transfer(desk(), tenant, agentId, target)) } };
});

function targetOf(to: unknown): TransferTarget {
  const given = (typeof to === 'object' && to !== null ? to : {}) as Record<string, unknown>;
  const keys = Object.keys(given);
  if (keys.length === 1 && typeof given.queueId === 'string')
    return { kind: 'queue', queueId: entityId('queue', given.queueId) };
  if (keys.length === 1 && typeof given.agentId === 'string')
    return { kind: 'agent', agentId: entityId('agent', given.agentId) };
  if (keys.length === 1 && typeof given.number === 'string') return { kind: 'number', number: given.number };
  throw new ValidationError('to must be exactly one of {"queueId"}, {"agentId"} or {"number"}');
}
