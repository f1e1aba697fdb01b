/**
 * GET /api/v1/agent/calls/{callId}: the screen pop of the call the agent is offered, on, or wrapping up —
 * caller, number dialled, queue, wait, the IVR's attributes (sensitive values masked) and the customer's
 * recent calls with the tenant. Any other call is a 404.
 */
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { screenPop } from '../../../layers/domain/routing/screen-pop.ts';
import { agentOf, callIdOf, desk } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  return { status: 200, body: await screenPop(desk(), tenant, agentId, callIdOf(event)) };
});
