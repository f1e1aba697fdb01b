/**
 * DELETE /api/v1/agent/call/consult: ends the consultation without a transfer, from either side. The
 * consulting agent keeps the caller (on hold, or still talking after a conference).
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { endConsult } from '../../../layers/domain/routing/consult-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view(await endConsult(desk(), tenant, agentId)) } };
});
