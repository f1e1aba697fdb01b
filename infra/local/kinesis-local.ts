/** kinesis-local (the npm build of kinesis-mock), run as a child Node process. */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { localCredentials } from './local-credentials.ts';
import { type ManagedProcess, spawnManaged, waitUntilReady } from './managed-process.ts';

export interface KinesisLocal {
  readonly endpoint: string;
  readonly process: ManagedProcess;
}

export async function startKinesisLocal(options: {
  port: number;
  tlsPort: number;
  region: string;
  dataDir: string | undefined;
  preload: string | undefined;
}): Promise<KinesisLocal> {
  const folder = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENLINE_PARENT_PID: String(process.pid),
    // kinesis-mock reads these names; KINESIS_PLAIN_PORT would be ignored.
    KINESIS_MOCK_PLAIN_PORT: String(options.port),
    KINESIS_MOCK_TLS_PORT: String(options.tlsPort),
    AWS_REGION: options.region,
    CREATE_STREAM_DURATION: '200ms',
    LOG_LEVEL: 'WARN',
  };
  if (options.preload !== undefined) env.LD_PRELOAD = options.preload;
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    Object.assign(env, {
      SHOULD_PERSIST_DATA: 'true',
      PERSIST_PATH: options.dataDir,
      PERSIST_INTERVAL: '2s',
    });
  }
  const child = spawnManaged('kinesis-local', process.execPath, ['main.js'], { cwd: folder, env });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const probe = new KinesisClient({
    endpoint,
    region: options.region,
    credentials: localCredentials,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  try {
    await waitUntilReady(child, () => probe.send(new ListStreamsCommand({})), 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  } finally {
    probe.destroy();
  }
  return { endpoint, process: child };
}
