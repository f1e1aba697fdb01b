/**
 * The call distributor's ports as every handler builds them (call control on enqueue and hang-up, the agent
 * API on every agent action): the DynamoDB routing store, the queue directory, the clock, and where offers
 * are announced.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsultLeftover, Offer, RoutingPorts } from '../domain/routing/dispatch.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { CallGoneError, type ChimeBridge, type SmaCarrier } from './chime-bridge.ts';
import { DynamoDbQueueDirectory } from './dynamodb-queue-directory.ts';
import { DynamoDbRoutingStore } from './dynamodb-routing-store.ts';
import type { WebSocketNotifier } from './websocket-notifier.ts';

export function routingPorts(options: {
  documents: DynamoDBDocumentClient;
  liveTable: string;
  configTable: string;
  /** Where offers are pushed: the agents' WebSocket connections. */
  notifier?: Pick<WebSocketNotifier, 'toAgent'>;
  /** Where a consultation that ended with its call is cleared up (its media). */
  media?: {
    bridge: Pick<ChimeBridge, 'removeSeat' | 'hangUp'>;
    carrier(tenant: TenantId, callId: string): Promise<Readonly<Record<string, string>> | undefined>;
  };
}): RoutingPorts & { queues: DynamoDbQueueDirectory } {
  const { notifier, media } = options;
  return {
    ...(media === undefined
      ? {}
      : { consultLeft: (tenant: TenantId, leftover: ConsultLeftover) => clearUp(media, tenant, leftover) }),
    store: new DynamoDbRoutingStore(options.documents, options.liveTable),
    queues: new DynamoDbQueueDirectory(options.documents, options.configTable),
    now: () => new Date(),
    ...(notifier === undefined
      ? {}
      : { offered: (tenant: TenantId, offer: Offer) => announce(notifier, tenant, offer) }),
  };
}

/** A consulted agent's seat leaves the meeting; a consulted number's call is hung up. */
async function clearUp(
  media: NonNullable<Parameters<typeof routingPorts>[0]['media']>,
  tenant: TenantId,
  leftover: ConsultLeftover,
): Promise<void> {
  const seat = leftover.guestSeat;
  if (seat !== undefined) await media.bridge.removeSeat(seat.meetingId, seat.attendeeId);
  if (leftover.consultCallId === undefined) return;
  const carrier = await media.carrier(tenant, leftover.callId);
  if (carrier === undefined) return;
  await media.bridge
    .hangUp(carrier as unknown as SmaCarrier, leftover.consultCallId)
    .catch((error: unknown) => {
      if (!(error instanceof CallGoneError)) throw error;
    });
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
    ...(offer.consultOf === undefined ? {} : { consultOf: offer.consultOf }),
  };
  await Promise.all(
    offer.agentIds.map((agentId) => notifier.toAgent(tenant, agentId, message).catch(() => undefined)),
  );
}
