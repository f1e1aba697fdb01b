/** POST /api/v1/agent/call/hold: the caller hears hold music; the agent and caller no longer hear each other. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { hold } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view(await hold(desk(), tenant, agentId, true)) } };
});
