/** DELETE /api/v1/agent/session: logs the agent out (refused while it holds a call) and ends its media session. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { logOut } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view(await logOut(desk(), tenant, agentId)) } };
});
