/**
 * GET /api/v1/counters/today: today's real-time counters (the tenant's local day), per queue and
 * 15-minute interval and for the day, fed by the call-events stream; supervisors and admins.
 */
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { DynamoDbCdrStore } from '../../../layers/adapters/dynamodb-cdr-store.ts';
import { DynamoDbIntervalCounters } from '../../../layers/adapters/dynamodb-interval-counters.ts';
import { DynamoDbQueueDirectory } from '../../../layers/adapters/dynamodb-queue-directory.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { localTime } from '../../../layers/domain/cdr/call-detail-record.ts';
import { todayFigures } from '../../../layers/domain/cdr/interval-counts.ts';

let ports: { counters: DynamoDbIntervalCounters; store: DynamoDbCdrStore } | undefined;

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'reports:read', 'supervisor', 'admin');
  const config = runtimeConfig();
  const documents = runtimeClients().documents;
  ports ??= {
    counters: new DynamoDbIntervalCounters(documents, config.tables.live),
    store: new DynamoDbCdrStore(
      documents,
      { live: config.tables.live, config: config.tables.config },
      new DynamoDbQueueDirectory(documents, config.tables.config),
    ),
  };
  const timezone = await ports.store.timezone(caller.tenantId);
  const date = localTime(new Date().toISOString(), timezone).date;
  const rows = await ports.counters.day(caller.tenantId, date);
  return { status: 200, body: { date, timezone, ...todayFigures(rows) } };
});
