/** GET /api/v1/agent/calls: the agent's latest answered calls, newest first (caller, queue, status, disposition). */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { recentCalls } from '../../../layers/domain/routing/screen-pop.ts';
import { agentOf, desk } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, calls: await recentCalls(desk(), tenant, agentId) } };
});
