/**
 * POST /api/v1/agent/calls `{"to":"+14255550123","from":"+12065550100"}`: calls a number for the agent from
 * one of the tenant's numbers (`from` optional: the first). 201 with the new call's id; the agent is
 * reserved while it rings and on the call once answered.
 */
import { httpHandler, jsonBody } from '../../../layers/adapters/http-api.ts';
import { callOut } from '../../../layers/domain/routing/agent-desk.ts';
import { agentOf, desk, view } from './desk.ts';

export const handler = httpHandler(async (event) => {
  const { tenant, agentId } = agentOf(event);
  const body = (jsonBody(event) ?? {}) as { to?: unknown; from?: unknown };
  const { state, callId } = await callOut(desk(), tenant, agentId, { to: body.to, from: body.from });
  return { status: 201, body: { agentId, callId, state: view(state) } };
});
