/** The recordings index the recording functions and routes share, built once per cold start. */
import { DynamoDbRecordings } from '../../layers/adapters/dynamodb-recordings.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';

let recordings: DynamoDbRecordings | undefined;

export function recordingsIndex(): DynamoDbRecordings {
  const config = runtimeConfig();
  recordings ??= new DynamoDbRecordings(runtimeClients().documents, {
    recordings: config.tables.recordings,
    config: config.tables.config,
  });
  return recordings;
}
