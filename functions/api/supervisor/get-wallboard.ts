/**
 * GET /api/v1/wallboard: the tenant's queues (waiting, longest wait, service level and abandoned over the
 * last 15 minutes, agents by state) and agents (state, time in it, call, calls today); supervisors, admins.
 * Changes after it arrive over the WebSocket.
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { DynamoDbWallboardReads } from '../../../layers/adapters/dynamodb-wallboard-reads.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { wallboard } from '../../../layers/domain/routing/wallboard.ts';
import { queueDirectory } from '../admin/directory.ts';
import { desk } from '../agent/desk.ts';

let reads: DynamoDbWallboardReads | undefined;

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'wallboard:read', 'supervisor', 'admin');
  const tenant = caller.tenantId;
  reads ??= new DynamoDbWallboardReads(runtimeClients().documents, runtimeConfig().tables.live);
  const board = await wallboard(
    { store: desk().store, directory: queueDirectory(), agents: reads, now: () => new Date() },
    tenant,
  );
  return { status: 200, body: board };
});
