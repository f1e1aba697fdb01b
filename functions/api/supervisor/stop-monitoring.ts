/** DELETE /api/v1/agents/{agentId}/monitor: the supervisor leaves the agent's meeting. */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { stopMonitoring } from '../../../layers/domain/routing/supervision.ts';
import { desk } from '../agent/desk.ts';
import { agentIdOf, supervisorOf } from './supervisor.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, userId } = supervisorOf(event);
  const agentId = agentIdOf(event);
  await stopMonitoring(desk(), tenant, userId, agentId);
  return { status: 200, body: { agentId, monitoring: false } };
});
