/** The queue and agent directory the admin routes share, built once per cold start. */
import { DynamoDbQueueDirectory } from '../../../layers/adapters/dynamodb-queue-directory.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';

let directory: DynamoDbQueueDirectory | undefined;

export function queueDirectory(): DynamoDbQueueDirectory {
  directory ??= new DynamoDbQueueDirectory(runtimeClients().documents, runtimeConfig().tables.config);
  return directory;
}
