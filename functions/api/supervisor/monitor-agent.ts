/**
 * POST /api/v1/agents/{agentId}/monitor `{"mode":"listen"|"barge"}`: a seat for the supervisor in the
 * agent's meeting (`media`, which the wallboard joins), muted to listen or unmuted to barge in; asking again
 * switches mode.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { monitor } from '../../../layers/domain/routing/supervision.ts';
import { desk } from '../agent/desk.ts';
import { agentIdOf, supervisorOf } from './supervisor.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, userId } = supervisorOf(event);
  const agentId = agentIdOf(event);
  const { mode } = (jsonBody(event) ?? {}) as { mode?: unknown };
  return { status: 200, body: { agentId, ...(await monitor(desk(), tenant, userId, agentId, mode)) } };
});
