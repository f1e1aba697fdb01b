/**
 * PUT /api/v1/agents/{agentId}/state: a supervisor sets an agent ready, not ready (`{"status":"not-ready",
 * "reason":"meeting"}`) or logs it out (`{"status":"offline"}`); what the agent's state does not allow is a 409.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { agentView } from '../../../layers/domain/routing/agent-state.ts';
import { forceState } from '../../../layers/domain/routing/supervision.ts';
import { desk } from '../agent/desk.ts';
import { agentIdOf, supervisorOf } from './supervisor.ts';

export const handler = httpHandler(async (event) => {
  const { tenant } = supervisorOf(event);
  const agentId = agentIdOf(event);
  const wanted = (jsonBody(event) ?? {}) as { status?: unknown; reason?: unknown };
  return {
    status: 200,
    body: { agentId, state: agentView(await forceState(desk(), tenant, agentId, wanted)) },
  };
});
