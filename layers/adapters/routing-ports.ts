/**
 * The call distributor's ports as every handler builds them (call control on enqueue and hang-up, the agent
 * API on every agent action): the DynamoDB routing store, the queue directory, the clock, and where offers
 * are announced.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Offer, RoutingPorts } from '../domain/routing/dispatch.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import { DynamoDbQueueDirectory } from './dynamodb-queue-directory.ts';
import { DynamoDbRoutingStore } from './dynamodb-routing-store.ts';

export function routingPorts(options: {
  documents: DynamoDBDocumentClient;
  liveTable: string;
  configTable: string;
  offered?: (tenant: TenantId, offer: Offer) => Promise<void>;
}): RoutingPorts & { queues: DynamoDbQueueDirectory } {
  return {
    store: new DynamoDbRoutingStore(options.documents, options.liveTable),
    queues: new DynamoDbQueueDirectory(options.documents, options.configTable),
    now: () => new Date(),
    ...(options.offered === undefined ? {} : { offered: options.offered }),
  };
}
