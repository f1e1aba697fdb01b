/** GET /api/v1/agent/state: the agent's state, with the call it is offered or on. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view((await desk().store.agent(tenant, agentId))?.state) } };
});
