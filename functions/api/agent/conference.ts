/** POST /api/v1/agent/call/conference: the caller joins the consultation; all three hear one another. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { conference } from '../../../layers/domain/routing/consult-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: { agentId, state: view(await conference(desk(), tenant, agentId)) } };
});
