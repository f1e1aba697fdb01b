/** What the numbers routes share: the tenant's number routes, built once per cold start. */
import { DynamoDbNumberRoutes } from '../../../layers/adapters/dynamodb-number-routes.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';

let routes: DynamoDbNumberRoutes | undefined;

export function numberRoutes(): DynamoDbNumberRoutes {
  routes ??= new DynamoDbNumberRoutes(runtimeClients().documents, runtimeConfig().tables.config);
  return routes;
}
