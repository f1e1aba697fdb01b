/**
 * POST /api/v1/agent/calls/{callId}/accept: takes the offered call; the caller is joined to the agent's
 * meeting. A consultation is taken in the consulting agent's meeting: `media` is the seat to join there.
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { accept } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, callIdOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const { state, media } = await accept(desk(), tenant, agentId, callIdOf(event));
  return { status: 200, body: { agentId, state: view(state), ...(media === undefined ? {} : { media }) } };
});
