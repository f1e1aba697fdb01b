/** POST /api/v1/agent/call/hangup: ends the agent's current call (the agent then wraps up). */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { hangUp } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  await hangUp(desk(), tenant, agentId);
  return { status: 202, body: { agentId, hangingUp: true } };
});
