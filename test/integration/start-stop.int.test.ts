/**
 * `npm start` as a developer runs it: ready in time, everything on loopback, nothing left behind after
 * SIGTERM, data kept across restarts with a data folder, and a clear message when Java is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../infra/local/jwt.ts';
import { localCredentials } from '../../infra/local/local-credentials.ts';
import { requestIdToken, signIn } from '../support/auth.ts';
import { commandOf, descendantsOf, isAlive, listenersOn } from '../support/process-tree.ts';
import { startCloudProcess } from '../support/start-local-cloud.ts';

async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

interface Health {
  status: string;
  services: Record<string, { status: string; endpoint: string }>;
}

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openline-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is ready within 60 s, serves /health, and leaves no process behind after SIGTERM', async () => {
    const cloud = await startCloudProcess({
      command: ['npm', 'start', '--', '--in-memory', '--no-web-build'],
    });
    try {
      expect(cloud.readyAfterMs).toBeLessThan(60_000);
      const response = await fetch(`${cloud.webUrl}/health`);
      expect(response.status).toBe(200);
      const health = (await response.json()) as Health;
      expect(health.status).toBe('ok');

      const tree = descendantsOf(cloud.child.pid as number);
      const commands = tree.map(commandOf).join('\n');
      expect(commands).toMatch(/DynamoDBLocal\.jar/);
      expect(commands).toMatch(/main\.js/); // kinesis-local

      // The emulators that cannot choose an interface are confined to loopback all the same.
      for (const name of ['dynamodb', 'kinesis', 's3']) {
        const port = Number(new URL(health.services[name]?.endpoint ?? '').port);
        const listeners = listenersOn(port);
        expect(listeners.length, `${name} listens on ${port}`).toBeGreaterThan(0);
        for (const address of listeners) expect(['127.0.0.1', '::ffff:127.0.0.1'], name).toContain(address);
      }

      // npm hands the signal to the local cloud (the script execs it), which stops its children and says so.
      await cloud.stop('SIGTERM');
      expect(cloud.output()).toMatch(/stopping \(SIGTERM\)[\s\S]*\nstopped\n/);
      const survivors = await waitForExit(tree, 15_000);
      expect(survivors.map((pid) => `${pid} ${commandOf(pid)}`)).toEqual([]);
    } finally {
      await cloud.stop('SIGKILL');
    }
  });

  it('takes its emulators down with it even when it is killed outright (SIGKILL)', async () => {
    const cloud = await startCloudProcess();
    const tree = descendantsOf(cloud.child.pid as number);
    expect(tree.map(commandOf).join('\n')).toMatch(/DynamoDBLocal\.jar/);
    await cloud.stop('SIGKILL');
    const survivors = await waitForExit(tree, 10_000);
    expect(survivors.map((pid) => `${pid} ${commandOf(pid)}`)).toEqual([]);
  });

  it('keeps data across restarts with --data-dir', async () => {
    const command = [
      process.execPath,
      '--import',
      'tsx',
      'infra/local/start.ts',
      '--data-dir',
      dataDir,
      '--no-web-build',
    ];
    const first = await startCloudProcess({ command });
    const endpoint = ((await (await fetch(`${first.webUrl}/health`)).json()) as Health).services.dynamodb
      ?.endpoint;
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
    await client.send(
      new CreateTableCommand({
        TableName: 'survives-restart',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    client.destroy();
    const user = await signIn(first.webUrl, { tenantId: 'restart-1', groups: ['admin'] });
    expect(await first.stop('SIGINT')).toBe(0);

    const second = await startCloudProcess({ command });
    try {
      const health = (await (await fetch(`${second.webUrl}/health`)).json()) as Health;
      expect(health.status).toBe('ok');
      const again = new DynamoDBClient({
        endpoint: health.services.dynamodb?.endpoint,
        region: 'us-east-1',
        credentials: localCredentials,
      });
      const tables = await again.send(new ListTablesCommand({}));
      again.destroy();
      expect(tables.TableNames).toContain('survives-restart');
      expect(tables.TableNames).toContain('openline-live');
      // The local issuer kept its users and its signing key (the port, and so the issuer URL, changed).
      const token = await requestIdToken(second.webUrl, user.email, user.password);
      expect(decodeJwt(token).header.kid).toBe(decodeJwt(user.idToken).header.kid);
    } finally {
      await second.stop('SIGTERM');
    }
  });

  it('stops with a clear message naming the package to install when Java is missing', async () => {
    const error = await startCloudProcess({
      env: { OPENLINE_JAVA: '/nonexistent/bin/java' },
      timeoutMs: 60_000,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/did not print 'ready'/);
    expect(error?.message).toMatch(/Java 17/);
    expect(error?.message).toMatch(/apt-get install -y default-jre-headless/);
  });
});
