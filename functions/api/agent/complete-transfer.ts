/**
 * POST /api/v1/agent/call/transfer/complete: completes a warm transfer once the consulted party has
 * answered. A consulted agent has the caller; a consulted number talks on with the caller. The agent goes
 * to wrap-up.
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { completeWarmTransfer } from '../../../layers/domain/routing/consult-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view(await completeWarmTransfer(desk(), tenant, agentId)) } };
});
