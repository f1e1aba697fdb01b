/** What every agent route shares: the desk's ports (built once per cold start) and the calling agent. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { agentDeskPorts } from '../../../layers/adapters/agent-desk-ports.ts';
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import type { AgentDeskPorts } from '../../../layers/domain/routing/agent-desk.ts';
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
