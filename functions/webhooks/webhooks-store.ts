/** The webhook store the webhook functions and routes share, built once per cold start. */
import { DynamoDbWebhooks } from '../../layers/adapters/dynamodb-webhooks.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';

let store: DynamoDbWebhooks | undefined;

export function webhookStore(): DynamoDbWebhooks {
  const config = runtimeConfig();
  store ??= new DynamoDbWebhooks(runtimeClients().documents, config.tables.config, config.tables.live);
  return store;
}
