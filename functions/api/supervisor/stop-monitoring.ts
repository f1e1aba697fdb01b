/**
 * DELETE /api/v1/agents/{agentId}/monitor[?coachMeetingId=…]: the supervisor leaves the agent's meeting (and
 * ends the coaching meeting of a whisper).
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { stopMonitoring } from '../../../layers/domain/routing/supervision.ts';
import { desk } from '../agent/desk.ts';
import { agentIdOf, supervisorOf } from './supervisor.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, userId } = supervisorOf(event);
  const agentId = agentIdOf(event);
  await stopMonitoring(desk(), tenant, userId, agentId, event.queryStringParameters?.coachMeetingId);
  return { status: 200, body: { agentId, monitoring: false } };
});
