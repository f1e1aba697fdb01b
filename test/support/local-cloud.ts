/** What a test gets from the local cloud started by the global setup: URLs, environment and ready clients. */
import { inject } from 'vitest';
import { handlerEnvironmentFromHealth } from '../../infra/local/handler-environment.ts';
import { type AwsClients, createAwsClients } from '../../layers/config/aws-clients.ts';
import { loadConfig, type OpenlineConfig } from '../../layers/config/config.ts';

export interface TestCloud {
  readonly webUrl: string;
  readonly env: Readonly<Record<string, string>>;
  readonly config: OpenlineConfig;
  /** Clients built by the config module, exactly as handlers build them. */
  readonly clients: AwsClients;
}

let cached: TestCloud | undefined;

export function localCloud(): TestCloud {
  if (cached !== undefined) return cached;
  const { webUrl, health } = inject('localCloud');
  const env = handlerEnvironmentFromHealth(health);
  const config = loadConfig(env);
  // The SDK's default credential chain would look at the developer's own AWS profile: pin the emulators'.
  process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
  cached = { webUrl, env, config, clients: createAwsClients(config) };
  return cached;
}
