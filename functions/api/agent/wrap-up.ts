/** POST /api/v1/agent/wrap-up `{"code":"sale","notes":"…"}`: records the disposition and makes the agent available. */
import { httpHandler, optionalJsonBody } from '../../../layers/adapters/http-api.ts';
import { wrapUp } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const body = optionalJsonBody(event) as Record<string, unknown>;
  return { status: 200, body: { agentId, state: view(await wrapUp(desk(), tenant, agentId, body ?? {})) } };
});
