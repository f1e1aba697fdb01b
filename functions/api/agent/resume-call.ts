/** POST /api/v1/agent/call/resume: takes the caller off hold, back into the agent's meeting. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { hold } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view(await hold(desk(), tenant, agentId, false)) } };
});
