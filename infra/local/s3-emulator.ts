/** s3rver, the S3 emulator, run inside the local cloud's own process (it can bind to 127.0.0.1 itself). */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { localCredentials } from './local-credentials.ts';

// s3rver knows one hard-coded key pair; register the local cloud's so every emulator takes the same one.
const account = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};
account.DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);

export interface S3Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Emulator(options: {
  port: number;
  dataDir: string | undefined;
}): Promise<S3Emulator> {
  // s3rver always stores on disk: in-memory mode uses a temporary folder removed at stop.
  const directory = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'openline-s3-')));
  const server = new S3rver({ port: options.port, address: '127.0.0.1', directory, silent: true });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    async stop() {
      await server.close();
      if (options.dataDir === undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}
