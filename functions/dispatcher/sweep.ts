/**
 * The routing sweeper (layers/domain/routing/sweep.ts): rung-out offers, ended wrap-up, and an assignment
 * round for every queue with callers. On AWS a schedule invokes it every minute with `loopSeconds: 55`, and
 * it sweeps once a second for that long; the local cloud invokes it every second with no loop.
 */

import { ChimeBridge } from '../../layers/adapters/chime-bridge.ts';
import { DynamoDbCallStore } from '../../layers/adapters/dynamodb-call-store.ts';
import { DynamoDbRoutingStore } from '../../layers/adapters/dynamodb-routing-store.ts';
import { logger } from '../../layers/adapters/logger.ts';
import { routingPorts } from '../../layers/adapters/routing-ports.ts';
import { concurrentCallLimit } from '../../layers/adapters/tenant-limits.ts';
import { waitingCallers } from '../../layers/adapters/waiting-callers.ts';
import { WebSocketNotifier } from '../../layers/adapters/websocket-notifier.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { type SweepReport, sweep } from '../../layers/domain/routing/sweep.ts';

let ports: Parameters<typeof sweep>[0] | undefined;

function build(): Parameters<typeof sweep>[0] {
  const config = runtimeConfig();
  const clients = runtimeClients();
  const bridge = new ChimeBridge(
    clients.chimeSdkMeetings,
    (region) => clients.chimeSdkVoiceIn(region),
    config.region,
  );
  const calls = new DynamoDbCallStore(clients.documents, config.tables.live, concurrentCallLimit);
  return {
    ...routingPorts({
      media: { bridge, carrier: (tenant, callId) => calls.carrier(tenant, callId) },
      documents: clients.documents,
      liveTable: config.tables.live,
      configTable: config.tables.config,
      notifier: new WebSocketNotifier(
        clients.documents,
        config.tables.live,
        () => clients.websocketManagement,
      ),
    }),
    sweeps: new DynamoDbRoutingStore(clients.documents, config.tables.live),
    waiting: waitingCallers(config, clients),
  };
}

export async function handler(event: { loopSeconds?: number } = {}): Promise<SweepReport> {
  ports ??= build();
  const until = Date.now() + Math.min(Math.max(event.loopSeconds ?? 0, 0), 840) * 1000;
  const total: SweepReport = { missed: 0, announced: 0, overflowed: 0, wrappedUp: 0, offers: 0, queues: 0 };
  for (;;) {
    const report = await sweep(ports);
    for (const key of Object.keys(total) as (keyof SweepReport)[]) total[key] += report[key];
    if (Date.now() + 1_000 > until) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  if (total.missed + total.wrappedUp + total.offers + total.overflowed > 0)
    logger().info('swept', { ...total });
  return total;
}
