/** PUT /api/v1/agent/call/mute `{"muted":true}`: the caller no longer hears the agent (or hears them again). */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import { mute } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const muted = (jsonBody(event) as { muted?: unknown } | null)?.muted;
  if (typeof muted !== 'boolean') throw new ValidationError('muted must be true or false');
  return { status: 200, body: { agentId, state: view(await mute(desk(), tenant, agentId, muted)) } };
});
