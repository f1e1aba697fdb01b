/**
 * The call distributor's ports as every handler builds them (call control on enqueue and hang-up, the agent
 * API on every agent action): the DynamoDB routing store, the queue directory, the clock, and where offers
 * are announced.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Offer, RoutingPorts } from '../domain/routing/dispatch.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { DynamoDbQueueDirectory } from './dynamodb-queue-directory.ts';
import { DynamoDbRoutingStore } from './dynamodb-routing-store.ts';
import type { WebSocketNotifier } from './websocket-notifier.ts';

export function routingPorts(options: {
  documents: DynamoDBDocumentClient;
  liveTable: string;
  configTable: string;
  /** Where offers are pushed: the agents' WebSocket connections. */
  notifier?: Pick<WebSocketNotifier, 'toAgent'>;
}): RoutingPorts & { queues: DynamoDbQueueDirectory } {
  const { notifier } = options;
  return {
    store: new DynamoDbRoutingStore(options.documents, options.liveTable),
    queues: new DynamoDbQueueDirectory(options.documents, options.configTable),
    now: () => new Date(),
    ...(notifier === undefined
      ? {}
      : { offered: (tenant: TenantId, offer: Offer) => announce(notifier, tenant, offer) }),
  };
}

/** Every agent an offer rings gets it at once; a push that fails is not the routing's failure (agents also poll). */
async function announce(
  notifier: Pick<WebSocketNotifier, 'toAgent'>,
  tenant: TenantId,
  offer: Offer,
): Promise<void> {
  const message = {
    type: 'offer',
    callId: offer.entry.callId,
    queueId: offer.entry.queueId,
    ringAll: offer.ringAll,
    expiresAt: offer.expiresAt,
  };
  await Promise.all(
    offer.agentIds.map((agentId) => notifier.toAgent(tenant, agentId, message).catch(() => undefined)),
  );
}
