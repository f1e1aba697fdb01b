/**
 * The agent/supervisor WebSocket. For now: connections are accepted and `ping` is answered with `pong`
 * through the connection-management API, the same path every later push (offers, wallboard events) takes.
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { logger } from '../../layers/adapters/logger.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';

export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  const { routeKey, connectionId } = event.requestContext;
  if (routeKey === '$connect' || routeKey === '$disconnect') return { statusCode: 200 };

  let message: { action?: unknown; requestId?: unknown };
  try {
    message = JSON.parse(event.body ?? '');
  } catch {
    await send(connectionId, { type: 'error', message: 'messages must be JSON objects with an "action"' });
    return { statusCode: 400 };
  }
  if (routeKey === 'ping') {
    await send(connectionId, {
      type: 'pong',
      requestId: message.requestId ?? null,
      time: new Date().toISOString(),
    });
    return { statusCode: 200 };
  }
  await send(connectionId, {
    type: 'error',
    message: `unknown action '${String(message.action).slice(0, 40)}'`,
  });
  return { statusCode: 400 };
}

async function send(connectionId: string, payload: unknown): Promise<void> {
  try {
    await runtimeClients().websocketManagement.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(payload) }),
    );
  } catch (error) {
    // A connection that closed meanwhile (GoneException) is not an error of this handler.
    logger().warn('could not post to connection', { connectionId, error: error as Error });
  }
}
