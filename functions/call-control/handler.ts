/**
 * The SIP media application handler: every SMA invocation of every call. It builds its ports once per cold
 * start and hands the event to the SMA adapter, which runs the tenant's IVR flow (layers/domain/flows) and
 * hands queued callers to the call distributor (layers/domain/routing).
 */

import { cachedFlowVersions } from '../../layers/adapters/cached-flow-versions.ts';
import { ChimeBridge, type SmaCarrier } from '../../layers/adapters/chime-bridge.ts';
import { DynamoDbCallStore } from '../../layers/adapters/dynamodb-call-store.ts';
import { DynamoDbCallbackRequests } from '../../layers/adapters/dynamodb-callback-requests.ts';
import { DynamoDbFlowStore } from '../../layers/adapters/dynamodb-flow-store.ts';
import { DynamoDbInvocationLog } from '../../layers/adapters/dynamodb-invocation-log.ts';
import { DynamoDbNumberRoutes } from '../../layers/adapters/dynamodb-number-routes.ts';
import { httpLookup } from '../../layers/adapters/http-lookup.ts';
import { logger } from '../../layers/adapters/logger.ts';
import { routingPorts } from '../../layers/adapters/routing-ports.ts';
import { handleSmaEvent, type SmaCallControlPorts } from '../../layers/adapters/sma-call-control.ts';
import type { SmaEvent, SmaResponse } from '../../layers/adapters/sma-protocol.ts';
import { countSmaInvocation } from '../../layers/adapters/telemetry.ts';
import { concurrentCallLimit } from '../../layers/adapters/tenant-limits.ts';
import { WebSocketNotifier } from '../../layers/adapters/websocket-notifier.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { numberConsultAnswered, numberConsultEnded } from '../../layers/domain/routing/consult.ts';
import {
  answerOutbound,
  endRouting,
  enqueueCall,
  returnToQueue,
} from '../../layers/domain/routing/dispatch.ts';

let ports: SmaCallControlPorts | undefined;

function buildPorts(): SmaCallControlPorts {
  const config = runtimeConfig();
  const { documents } = runtimeClients();
  const flows = new DynamoDbFlowStore(documents, config.tables.config);
  const clients = runtimeClients();
  const calls = new DynamoDbCallStore(documents, config.tables.live, concurrentCallLimit);
  const bridge = new ChimeBridge(
    clients.chimeSdkMeetings,
    (region) => clients.chimeSdkVoiceIn(region),
    config.region,
  );
  const routing = routingPorts({
    documents,
    liveTable: config.tables.live,
    configTable: config.tables.config,
    notifier: new WebSocketNotifier(documents, config.tables.live, () => clients.websocketManagement),
    media: { bridge, carrier: (tenant, callId) => calls.carrier(tenant, callId) },
  });
  const log = logger();
  const callbacks = new DynamoDbCallbackRequests(documents, config.tables.live);
  return {
    routes: new DynamoDbNumberRoutes(documents, config.tables.config),
    flows: cachedFlowVersions(flows),
    calls,
    invocations: new DynamoDbInvocationLog(documents, config.tables.live),
    lookup: httpLookup({ plainHttpHosts: config.lookupPlainHttpHosts }),
    enqueue: async (tenant, callId, queue) => {
      const config = await routing.queues.queue(tenant, queue.id);
      if (config === undefined) return 'no-queue';
      const outcome = await enqueueCall(routing, tenant, {
        queueId: queue.id,
        callId,
        priority: queue.priority,
        enqueuedAt: new Date().toISOString(),
        skills: queue.skills,
        declinedBy: [],
      });
      return outcome === 'full' ? { full: config.overflow } : 'queued';
    },
    queueOverflow: async (tenant, queueId) => (await routing.queues.queue(tenant, queueId))?.overflow,
    requestCallback: (tenant, request) => callbacks.request(tenant, request),
    leaveRouting: async (tenant, callId) => {
      await endRouting(routing, tenant, callId, 'gone');
    },
    returnToQueue: (tenant, callId, queueId) => returnToQueue(routing, tenant, callId, queueId),
    answerOutbound: (tenant, callId) => answerOutbound(routing, tenant, callId),
    consulted: (tenant, callId, consultCallId, outcome) =>
      outcome === 'answered'
        ? numberConsultAnswered(routing, tenant, callId, consultCallId)
        : numberConsultEnded(routing, tenant, callId, consultCallId),
    endPair: (carrier, partner, meetingId) =>
      bridge.endPair(carrier as unknown as SmaCarrier, partner, meetingId),
    now: () => new Date(),
    buckets: { prompts: config.buckets.prompts, recordings: config.buckets.recordings },
    log: {
      warn: (message, details) => log.warn(message, details),
      error: (message, details) => log.error(message, details),
    },
  };
}

/** Events in which the SMA reports that something we asked for did not happen. */
const FAILURE_EVENTS = new Set(['ACTION_FAILED', 'INVALID_LAMBDA_RESPONSE']);

export async function handler(event: SmaEvent): Promise<SmaResponse> {
  ports ??= buildPorts();
  let failed = FAILURE_EVENTS.has(event.InvocationEventType);
  try {
    return await handleSmaEvent(ports, event);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    countSmaInvocation(failed);
  }
}
