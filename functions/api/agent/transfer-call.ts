/**
 * POST /api/v1/agent/call/transfer: a blind transfer of the agent's call, to one of
 * `{"to":{"queueId":"support"}}`, `{"to":{"agentId":"…"}}` or `{"to":{"number":"+14255550123"}}`.
 * The agent goes to wrap-up.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { transfer } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, targetOf, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const target = targetOf((jsonBody(event) as { to?: unknown } | null)?.to);
  return { status: 200, body: { agentId, state: view(await transfer(desk(), tenant, agentId, target)) } };
});
