/** POST /api/v1/agent/call/digits `{"digits":"1#"}`: DTMF tones to the other party (the agent's keypad). */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { sendDigits } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const { digits } = (jsonBody(event) ?? {}) as { digits?: unknown };
  return { status: 200, body: { agentId, state: view(await sendDigits(desk(), tenant, agentId, digits)) } };
});
