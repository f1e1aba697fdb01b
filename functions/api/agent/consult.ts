/**
 * POST /api/v1/agent/call/consult: the caller holds while the agent consults one of
 * `{"to":{"agentId":"…"}}` (that agent's desk rings), `{"to":{"queueId":"support"}}` (the queue's best free
 * agent) or `{"to":{"number":"+14255550123"}}` (a call from the contact center's number). Then: complete
 * the transfer, make it a conference, or end the consultation.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { consult } from '../../../layers/domain/routing/consult-desk.ts';
import { agentOf, desk, targetOf, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const target = targetOf((jsonBody(event) as { to?: unknown } | null)?.to);
  return { status: 200, body: { agentId, state: view(await consult(desk(), tenant, agentId, target)) } };
});
