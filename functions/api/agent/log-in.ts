/**
 * POST /api/v1/agent/session: logs the agent in (not ready until it says so) and returns its media session
 * (the meeting its softphone joins); an agent already logged in gets its session again (a reloaded page).
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { logIn } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const { state, media } = await logIn(desk(), tenant, agentId);
  return { status: 200, body: { agentId, state: view(state), media } };
});
