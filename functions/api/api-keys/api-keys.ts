/** The API key store the api-keys routes share, built once per cold start. */
import { DynamoDbApiKeys } from '../../../layers/adapters/dynamodb-api-keys.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';

let store: DynamoDbApiKeys | undefined;

export function apiKeys(): DynamoDbApiKeys {
  store ??= new DynamoDbApiKeys(runtimeClients().documents, runtimeConfig().tables.config);
  return store;
}
