/**
 * POST /api/v1/agent/call/recording `{"paused":true}`: pauses the call's recording while the caller reads
 * a card number (`false` resumes it); the pause shows in the call's detail record.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { pauseRecording } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const { paused } = (jsonBody(event) ?? {}) as { paused?: unknown };
  return {
    status: 200,
    body: { agentId, state: view(await pauseRecording(desk(), tenant, agentId, paused)) },
  };
});
