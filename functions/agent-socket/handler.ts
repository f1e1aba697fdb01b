/**
 * The agent and supervisor WebSocket. $connect (after the authoriser verified the token) registers the
 * connection for the user's roles, so offers and state changes can be pushed to it; $disconnect removes it;
 * `{"action":"ping"}` is answered with a `pong` through the connection-management API.
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { socketIdentity } from '../../layers/adapters/caller-identity.ts';
import { logger } from '../../layers/adapters/logger.ts';
import { runtimeNotifier } from '../../layers/adapters/websocket-notifier.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { UnauthorizedError } from '../../layers/domain/errors.ts';

const connections = runtimeNotifier;

export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  const { routeKey, connectionId } = event.requestContext;
  if (routeKey === '$connect') {
    try {
      const who = socketIdentity(event);
      await connections().register(who.tenantId, who.userId, connectionId, {
        agent: who.groups.includes('agent'),
        supervisor: who.groups.includes('supervisor') || who.groups.includes('admin'),
      });
      return { statusCode: 200 };
    } catch (error) {
      if (error instanceof UnauthorizedError) return { statusCode: 401 };
      throw error;
    }
  }
  if (routeKey === '$disconnect') {
    await connections().unregister(connectionId);
    return { statusCode: 200 };
  }

  let message: { action?: unknown; requestId?: unknown } | undefined;
  try {
    const parsed: unknown = JSON.parse(event.body ?? '');
    // `null`, arrays and plain values parse too: only an object can carry an action.
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) message = parsed;
  } catch {
    message = undefined;
  }
  if (message === undefined) {
    await send(connectionId, { type: 'error', message: 'messages must be JSON objects with an "action"' });
    return { statusCode: 400 };
  }
  if (routeKey === 'ping') {
    await send(connectionId, {
      type: 'pong',
      // Echoed so the client can match the answer, within reason.
      requestId: typeof message.requestId === 'string' ? message.requestId.slice(0, 100) : null,
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
