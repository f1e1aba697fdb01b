/** POST /api/v1/agent/calls/{callId}/decline: the call goes back to its place in the queue, for another agent. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { decline } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, callIdOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return {
    status: 200,
    body: { agentId, state: view(await decline(desk(), tenant, agentId, callIdOf(event))) },
  };
});
