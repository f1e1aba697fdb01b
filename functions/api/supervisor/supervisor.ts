/** What the supervisor routes share: the signed-in supervisor (or admin) and the desk's ports. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { callerIdentity, requireGroup } from '../../../layers/adapters/caller-identity.ts';
import { entityId, type TenantId } from '../../../layers/domain/tenancy/ids.ts';

export function supervisorOf(event: APIGatewayProxyEventV2): { tenant: TenantId; userId: string } {
  const caller = callerIdentity(event);
  requireGroup(caller, 'supervisor', 'admin');
  return { tenant: caller.tenantId, userId: caller.userId };
}

export function agentIdOf(event: APIGatewayProxyEventV2): string {
  return entityId('agent', event.pathParameters?.agentId ?? '');
}
