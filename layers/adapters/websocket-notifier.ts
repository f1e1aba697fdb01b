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
import type { TenantId } from '../domain/tenancy/ids.ts';
import { type Key, liveKeys } from '../resources/keys.ts';

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
    await this.push(liveKeys.agentConnection(tenant, agentId, '').pk, message);
  }

  async toSupervisors(tenant: TenantId, message: unknown): Promise<void> {
    await this.push(liveKeys.supervisorConnection(tenant, '').pk, message);
  }

  private async push(pk: string, message: unknown): Promise<void> {
    const connections = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :conn)',
        ExpressionAttributeValues: { ':pk': pk, ':conn': 'CONN#' },
        ProjectionExpression: 'connectionId',
      }),
    );
    const data = JSON.stringify(message);
    await Promise.all(
      (connections.Items ?? []).map(async (item) => {
        const connectionId = item.connectionId as string;
        try {
          await this.management().send(
            new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }),
          );
        } catch (error) {
          if (error instanceof GoneException) await this.unregister(connectionId);
          else throw error;
        }
      }),
    );
  }
}
