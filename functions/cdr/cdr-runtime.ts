/** The CDR functions' adapters, built once per cold start from the runtime configuration. */
import { DynamoDbCdrStore } from '../../layers/adapters/dynamodb-cdr-store.ts';
import { DynamoDbQueueDirectory } from '../../layers/adapters/dynamodb-queue-directory.ts';
import { KinesisCallEvents } from '../../layers/adapters/kinesis-call-events.ts';
import { recordQueueWaits } from '../../layers/adapters/telemetry.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import type { PublishPorts } from '../../layers/domain/cdr/publish-cdr.ts';

let built: { store: DynamoDbCdrStore; events: KinesisCallEvents; publish: PublishPorts } | undefined;

export function cdrRuntime() {
  if (built !== undefined) return built;
  const config = runtimeConfig();
  const clients = runtimeClients();
  const store = new DynamoDbCdrStore(
    clients.documents,
    { live: config.tables.live, config: config.tables.config },
    new DynamoDbQueueDirectory(clients.documents, config.tables.config),
  );
  const events = new KinesisCallEvents(clients.kinesis, config.streams['call-events']);
  const publish: PublishPorts = {
    context: async (tenant, queueId) => ({
      ...(await store.context(tenant, queueId)),
      region: config.region,
    }),
    put: async (records) => {
      await events.put(records);
      recordQueueWaits(records.flatMap((r) => (r.type === 'cdr' && r.wait_s !== null ? [r.wait_s] : [])));
    },
    reserve: (tenant, callId, version, previous, hash) =>
      store.reserve(tenant, callId, version, previous, hash),
    confirm: (tenant, callId, version) => store.confirm(tenant, callId, version),
    now: () => new Date(),
  };
  built = { store, events, publish };
  return built;
}
