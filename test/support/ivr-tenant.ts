/**
 * A tenant of its own for an IVR test: a phone number ordered from the local Chime emulator, routed by a
 * SIP rule to the local cloud's call-control SMAs (the ones the demo number uses), and flows published
 * through the same store the flows API uses.
 */
import { randomUUID } from 'node:crypto';
import { ChimeSDKVoiceClient } from '@aws-sdk/client-chime-sdk-voice';
import { ChimeNumberOrders, orderNumberNow } from '../../layers/adapters/chime-number-orders.ts';
import { DynamoDbFlowStore } from '../../layers/adapters/dynamodb-flow-store.ts';
import { DynamoDbNumberRoutes } from '../../layers/adapters/dynamodb-number-routes.ts';
import { DynamoDbQueueDirectory } from '../../layers/adapters/dynamodb-queue-directory.ts';
import type { AwsClients } from '../../layers/config/aws-clients.ts';
import type { OpenlineConfig } from '../../layers/config/config.ts';
import { publishFlow } from '../../layers/domain/flows/flow-service.ts';
import { parseQueueConfig } from '../../layers/domain/routing/queue-config.ts';
import { type TenantId, tenantId } from '../../layers/domain/tenancy/ids.ts';

export interface IvrTenant {
  readonly tenant: TenantId;
  readonly number: string;
  /** Publishes a flow document as the number's flow; returns its version. */
  publish(document: unknown): Promise<number>;
}

interface Health {
  telephony: { numbers: { sipMediaApplications: { region: string; sipMediaApplicationId: string }[] }[] };
}

/** A running local cloud as a test or a benchmark sees it (no vitest needed, so benchmarks can use it). */
export interface CloudHandle {
  readonly webUrl: string;
  readonly env: Readonly<Record<string, string>>;
  readonly config: OpenlineConfig;
  readonly clients: AwsClients;
}

export async function ivrTenant(cloud: CloudHandle, prefix: string): Promise<IvrTenant> {
  const tenant = tenantId(`${prefix}-${randomUUID().slice(0, 8)}`);
  const health = (await (await fetch(`${cloud.webUrl}/health`)).json()) as Health;
  const smas = health.telephony.numbers[0]?.sipMediaApplications ?? [];
  const voice = new ChimeSDKVoiceClient({
    region: cloud.config.region,
    endpoint: cloud.config.endpoints.chimeSdkVoice,
    credentials: {
      accessKeyId: cloud.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: cloud.env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  try {
    // Race-safe: test files that each make a tenant at once get different numbers.
    const { phoneNumber: number } = await orderNumberNow(new ChimeNumberOrders(voice), {
      numberType: 'local',
      areaCode: '415',
      name: tenant,
      targets: smas,
    });
    const flows = new DynamoDbFlowStore(cloud.clients.documents, cloud.config.tables.config);
    await new DynamoDbNumberRoutes(cloud.clients.documents, cloud.config.tables.config).assign(
      tenant,
      number,
      'main',
      smas,
    );
    // The queues test flows send callers to, so routing takes them (no agent answers: they stay on hold).
    const queues = new DynamoDbQueueDirectory(cloud.clients.documents, cloud.config.tables.config);
    for (const queueId of ['sales', 'support'])
      await queues.putQueue(tenant, queueId, parseQueueConfig({ name: queueId }));
    return {
      tenant,
      number,
      publish: async (document) => (await publishFlow(flows, tenant, 'main', document, 'test')).version,
    };
  } finally {
    voice.destroy();
  }
}
