/**
 * The sweeper's way to waiting callers: the call record says where the carrier runs the call, and the
 * Chime bridge sends the update there (call control speaks the announcement, or runs the overflow).
 */

import type { AwsClients } from '../config/aws-clients.ts';
import type { OpenlineConfig } from '../config/config.ts';
import type { WaitingCallers } from '../domain/routing/sweep.ts';
import { CallGoneError, ChimeBridge, type SmaCarrier } from './chime-bridge.ts';
import { DynamoDbCallStore } from './dynamodb-call-store.ts';
import { concurrentCallLimit } from './tenant-limits.ts';

export function waitingCallers(config: OpenlineConfig, clients: AwsClients): WaitingCallers {
  const calls = new DynamoDbCallStore(clients.documents, config.tables.live, concurrentCallLimit);
  const bridge = new ChimeBridge(
    clients.chimeSdkMeetings,
    (region) => clients.chimeSdkVoiceIn(region),
    config.region,
  );
  const reach = async (
    tenant: Parameters<WaitingCallers['overflow']>[0],
    callId: string,
    send: (carrier: SmaCarrier) => Promise<void>,
  ): Promise<'ok' | 'gone'> => {
    const carrier = await calls.carrier(tenant, callId);
    if (carrier === undefined) return 'gone';
    try {
      await send(carrier as unknown as SmaCarrier);
      return 'ok';
    } catch (error) {
      if (error instanceof CallGoneError) return 'gone';
      throw error;
    }
  };
  return {
    announce: (tenant, callId, announcement) =>
      reach(tenant, callId, (carrier) => bridge.announce(carrier, callId, announcement)),
    overflow: (tenant, callId, queueId) =>
      reach(tenant, callId, (carrier) => bridge.overflow(carrier, callId, queueId)),
  };
}
