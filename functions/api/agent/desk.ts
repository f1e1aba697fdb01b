/** What every agent route shares: the desk's ports (built once per cold start) and the calling agent. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { agentDeskPorts } from '../../../layers/adapters/agent-desk-ports.ts';
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { ValidationError } from '../../../layers/domain/errors.ts';
import type { AgentDeskPorts, TransferTarget } from '../../../layers/domain/routing/agent-desk.ts';
import { agentView } from '../../../layers/domain/routing/agent-state.ts';
import { entityId, type TenantId } from '../../../layers/domain/tenancy/ids.ts';

let ports: AgentDeskPorts | undefined;

export function desk(): AgentDeskPorts {
  ports ??= agentDeskPorts(runtimeConfig(), runtimeClients());
  return ports;
}

/** The signed-in agent: its tenant from the verified token, its agent id = its user id. */
export function agentOf(event: APIGatewayProxyEventV2): { tenant: TenantId; agentId: string } {
  const caller = callerIdentity(event);
  requireGroup(caller, 'agent');
  return { tenant: caller.tenantId, agentId: entityId('agent', caller.userId) };
}

export function callIdOf(event: APIGatewayProxyEventV2): string {
  return entityId('call', event.pathParameters?.callId ?? '');
}

/** The agent's state as the API shows it. */
export const view = agentView;

/** Where a transfer or consultation goes: exactly one of a queue, an agent or a number. */
export function targetOf(to: unknown): TransferTarget {
  const given = (typeof to === 'object' && to !== null ? to : {}) as Record<string, unknown>;
  const keys = Object.keys(given);
  if (keys.length === 1 && typeof given.queueId === 'string')
    return { kind: 'queue', queueId: entityId('queue', given.queueId) };
  if (keys.length === 1 && typeof given.agentId === 'string')
    return { kind: 'agent', agentId: entityId('agent', given.agentId) };
  if (keys.length === 1 && typeof given.number === 'string') return { kind: 'number', number: given.number };
  throw new ValidationError('to must be exactly one of {"queueId"}, {"agentId"} or {"number"}');
}
