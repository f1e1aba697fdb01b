/**
 * POST /api/v1/agents/{agentId}/monitor `{"mode":"listen"|"whisper"|"barge"}`: a seat for the supervisor
 * in the agent's meeting (`media`, which the wallboard joins), muted to listen or whisper, unmuted to barge
 * in; a whisper adds `coach`, the supervisor's seat in a coaching meeting the agent is told to join.
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
