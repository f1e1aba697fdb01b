/**
 * Pushes events to agents' and supervisors' WebSocket connections (API Gateway's connection-management API;
 * the local gateway serves the same API). Connections are registered at $connect in the live table, per
 * agent and per tenant's supervisors, with a directory item so $disconnect (which carries only the
 * connection id) can find them. A connection that has gone away is removed when a push finds it gone.
 */
import {
  type ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { runtimeClients } from '../config/aws-clients.ts';
import { runtimeConfig } from '../config/config.ts';
import type { Audience } from '../domain/routing/live-events.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { type Key, liveKeys } from '../resources/keys.ts';
import { logger } from './logger.ts';

/** A connection stays registered this long without a $disconnect (API Gateway's 2-hour limit, with margin). */
const CONNECTION_TTL_S = 3 * 3600;

export class WebSocketNotifier {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly management: () => ApiGatewayManagementApiClient,
  ) {}

  async register(
    tenant: TenantId,
    userId: string,
    connectionId: string,
    roles: { agent: boolean; supervisor: boolean },
  ) {
    const expiresAt = Math.floor(Date.now() / 1000) + CONNECTION_TTL_S;
    const keys: Key[] = [
      ...(roles.agent ? [liveKeys.agentConnection(tenant, userId, connectionId)] : []),
      ...(roles.supervisor ? [liveKeys.supervisorConnection(tenant, connectionId)] : []),
    ];
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          ...keys.map((key) => ({
            Put: {
              TableName: this.table,
              Item: { ...key, type: 'connection', connectionId, userId, expiresAt },
            },
          })),
          {
            Put: {
              TableName: this.table,
              Item: {
                ...liveKeys.connectionDirectory(connectionId),
                type: 'connection-directory',
                tenantId: tenant,
                userId,
                keys,
                expiresAt,
              },
            },
          },
        ],
      }),
    );
  }

  async unregister(connectionId: string): Promise<void> {
    const directory = liveKeys.connectionDirectory(connectionId);
    const item = (await this.documents.send(new GetCommand({ TableName: this.table, Key: directory }))).Item;
    const keys = (item?.keys as Key[] | undefined) ?? [];
    await Promise.all(
      [...keys, directory].map((key) =>
        this.documents.send(new DeleteCommand({ TableName: this.table, Key: key })),
      ),
    );
  }

  async toAgent(tenant: TenantId, agentId: string, message: unknown): Promise<void> {
    await this.publish([{ tenant, audience: [{ kind: 'agent', agentId }], message }]);
  }

  async toSupervisors(tenant: TenantId, message: unknown): Promise<void> {
    await this.publish([{ tenant, audience: [{ kind: 'supervisors' }], message }]);
  }

  /**
   * Pushes several messages, each to its audience, in order per connection. Each audience's connections
   * are read once however many messages go to it (a stream batch holds many changes of the same agents).
   */
  async publish(
    messages: readonly { tenant: TenantId; audience: readonly Audience[]; message: unknown }[],
  ): Promise<void> {
    const addressed = messages.map(({ tenant, audience, message }) => ({
      data: JSON.stringify(message),
      pks: audience.map((to) =>
        to.kind === 'agent'
          ? liveKeys.agentConnection(tenant, to.agentId, '').pk
          : liveKeys.supervisorConnection(tenant, '').pk,
      ),
    }));
    // Every lookup at once, awaited together: one that fails while another is awaited must not go unhandled
    // (an unhandled rejection ends the process).
    const pks = [...new Set(addressed.flatMap((a) => a.pks))];
    const found = new Map(
      await Promise.all(pks.map(async (pk) => [pk, await this.connections(pk)] as const)),
    );
    const queues = new Map<string, string[]>();
    for (const { data, pks } of addressed) {
      for (const pk of pks) {
        for (const connectionId of found.get(pk) ?? []) {
          const queue = queues.get(connectionId) ?? [];
          queue.push(data);
          queues.set(connectionId, queue);
        }
      }
    }
    await Promise.all(
      [...queues].map(async ([connectionId, datas]) => {
        for (const data of datas) if (!(await this.post(connectionId, data))) return;
      }),
    );
  }

  private async connections(pk: string): Promise<string[]> {
    const connections = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :conn)',
        ExpressionAttributeValues: { ':pk': pk, ':conn': 'CONN#' },
        ProjectionExpression: 'connectionId',
      }),
    );
    return (connections.Items ?? []).map((item) => item.connectionId as string);
  }

  /** Posts to one connection; false if it is gone (and so unregistered). */
  private async post(connectionId: string, data: string): Promise<boolean> {
    try {
      await this.management().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
      return true;
    } catch (error) {
      if (error instanceof GoneException) {
        await this.unregister(connectionId);
        return false;
      }
      // One unreachable connection must not hold up the others (nor repeat the push to them).
      logger().warn('push to a connection failed', { connectionId, error: error as Error });
      return true;
    }
  }
}

let runtime: WebSocketNotifier | undefined;

/** The notifier of a handler, over the handler's own clients and tables (built once per cold start). */
export function runtimeNotifier(): WebSocketNotifier {
  runtime ??= new WebSocketNotifier(
    runtimeClients().documents,
    runtimeConfig().tables.live,
    () => runtimeClients().websocketManagement,
  );
  return runtime;
}
