/** The flow store every flows route uses, built once per cold start, and the flow id of the path. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoDbFlowStore } from '../../../layers/adapters/dynamodb-flow-store.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { entityId } from '../../../layers/domain/tenancy/ids.ts';

let store: DynamoDbFlowStore | undefined;

export function flowStore(): DynamoDbFlowStore {
  store ??= new DynamoDbFlowStore(runtimeClients().documents, runtimeConfig().tables.config);
  return store;
}

export function flowIdOf(event: APIGatewayProxyEventV2): string {
  return entityId('flow', event.pathParameters?.flowId ?? '');
}
