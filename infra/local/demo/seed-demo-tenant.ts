/**
 * `npm start`'s demo tenant: the tenant item, the platform prompts, the demo IVR flow published, and the
 * demo phone number pointed at it. Idempotent, so a persisted --data-dir starts again cleanly: the flow is
 * published again only when its document changed.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbFlowStore } from '../../../layers/adapters/dynamodb-flow-store.ts';
import { DynamoDbNumberRoutes, type OutboundRoute } from '../../../layers/adapters/dynamodb-number-routes.ts';
import type { AwsClients } from '../../../layers/config/aws-clients.ts';
import type { OpenlineConfig } from '../../../layers/config/config.ts';
import { publishFlow } from '../../../layers/domain/flows/flow-service.ts';
import { type TenantId, tenantId } from '../../../layers/domain/tenancy/ids.ts';
import { configKeys } from '../../../layers/resources/index.ts';
import { demoFlow } from './demo-flow.ts';
import { seedPlatformPrompts } from './platform-prompts.ts';

export const DEMO_TENANT: TenantId = tenantId('demo');
export const DEMO_FLOW_ID = 'main';
/** The demo shop's code on the shared access number. */
export const DEMO_EXTENSION = '100001';
/** A virtual phone of the local PSTN that answers as the demo shop's front desk. */
export const DEMO_OPERATOR_NUMBER = '+12065550111';

export interface DemoTenant {
  readonly tenantId: TenantId;
  readonly name: string;
  readonly numbers: readonly string[];
  readonly flow: { id: string; version: number };
}

export async function seedDemoTenant(options: {
  config: OpenlineConfig;
  clients: Pick<AwsClients, 'documents' | 's3'>;
  phoneNumber: string;
  /** Where calls from the demo number are placed (outbound calls), one per region. */
  sipMediaApplications: readonly OutboundRoute[];
  orderServiceUrl: string;
}): Promise<DemoTenant> {
  const { config, clients } = options;
  const name = 'Openline Demo Shop';
  await Promise.all([
    clients.documents.send(
      new PutCommand({
        TableName: config.tables.config,
        Item: {
          ...configKeys.tenant(DEMO_TENANT),
          type: 'tenant',
          tenantId: DEMO_TENANT,
          name,
          timezone: 'America/Los_Angeles',
        },
      }),
    ),
    seedPlatformPrompts(config.buckets.prompts, clients),
  ]);

  const flows = new DynamoDbFlowStore(clients.documents, config.tables.config);
  const document = demoFlow({
    orderServiceUrl: options.orderServiceUrl,
    operatorNumber: DEMO_OPERATOR_NUMBER,
  });
  const published = await flows.published(DEMO_TENANT, DEMO_FLOW_ID);
  const version =
    published !== undefined && JSON.stringify(published.document) === JSON.stringify(document)
      ? published.version
      : (await publishFlow(flows, DEMO_TENANT, DEMO_FLOW_ID, document, 'npm start')).version;

  await new DynamoDbNumberRoutes(clients.documents, config.tables.config).assign(
    DEMO_TENANT,
    options.phoneNumber,
    DEMO_FLOW_ID,
    options.sipMediaApplications,
  );
  return { tenantId: DEMO_TENANT, name, numbers: [options.phoneNumber], flow: { id: DEMO_FLOW_ID, version } };
}
