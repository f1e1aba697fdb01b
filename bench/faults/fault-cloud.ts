/**
 * The local cloud a fault run drives: in memory, on free ports, in this process, with DynamoDB reached
 * through the fault proxy (OPENLINE_FAULT_INJECTION=on). Faults are switched through the local-only
 * control `/_emulator/faults`, as a developer would with curl; the checkers read DynamoDB Local directly
 * (`checker`), so what they see is what was committed, never an injected fault.
 */
import type { FaultCounts, FaultSettings } from '../../infra/local/fault-injection.ts';
import { type LocalCloud, startLocalCloud } from '../../infra/local/local-cloud.ts';
import { throwawaySettings } from '../../infra/local/local-settings.ts';
import { type AwsClients, createAwsClients } from '../../layers/config/aws-clients.ts';
import { loadConfig, type OpenlineConfig } from '../../layers/config/config.ts';

export interface FaultCloud {
  readonly cloud: LocalCloud;
  readonly webUrl: string;
  /** Clients straight to the emulators (no fault proxy), for set-up and checks. */
  readonly checker: { readonly config: OpenlineConfig; readonly clients: AwsClients };
  setFaults(settings: DeepPartial<FaultSettings>): Promise<FaultView>;
  readFaults(): Promise<FaultView>;
  stop(): Promise<void>;
}

export interface FaultView {
  readonly settings: FaultSettings;
  readonly counts: FaultCounts;
  readonly dynamodbProxied: boolean;
}

type DeepPartial<T> = { [K in keyof T]?: Partial<T[K]> };

export async function startFaultCloud(): Promise<FaultCloud> {
  const cloud = await startLocalCloud(throwawaySettings({ OPENLINE_FAULT_INJECTION: 'on' }), () => undefined);
  const webUrl = cloud.urls.web.replace(/\/$/, '');
  const config = loadConfig({
    ...cloud.env,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: cloud.endpoints.dynamodb,
  });
  const clients = createAwsClients(config);
  const control = async (method: 'GET' | 'PUT', body?: unknown): Promise<FaultView> => {
    const response = await fetch(`${webUrl}/_emulator/faults`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as FaultView & { message?: string };
    if (!response.ok) throw new Error(`/_emulator/faults answered ${response.status}: ${answer.message}`);
    return answer;
  };
  return {
    cloud,
    webUrl,
    checker: { config, clients },
    setFaults: (faults) => control('PUT', faults),
    readFaults: () => control('GET'),
    async stop() {
      clients.dynamodb.destroy();
      clients.dynamodbStreams.destroy();
      await cloud.stop();
    },
  };
}
