/**
 * Starts `npm start`'s program as a child process on free ports and waits for its `ready` line, the way a
 * developer or a script would use it. Used by the test harness and by the start/stop tests.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../../infra/local/free-port.ts';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface StartedCloud {
  readonly child: ChildProcess;
  readonly webUrl: string;
  readonly readyAfterMs: number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface StartOptions {
  /** Command and arguments; defaults to the program `npm start` runs, in memory, without a web build. */
  readonly command?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export async function startCloudProcess(options: StartOptions = {}): Promise<StartedCloud> {
  const webPort = await freePort();
  const [command, ...args] = options.command ?? [
    process.execPath,
    '--import',
    'tsx',
    'infra/local/start.ts',
    '--in-memory',
    '--no-web-build',
  ];
  const began = Date.now();
  const child = spawn(command as string, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      OPENLINE_PORT: String(webPort),
      OPENLINE_DYNAMODB_PORT: '0',
      OPENLINE_KINESIS_PORT: '0',
      OPENLINE_KINESIS_TLS_PORT: '0',
      OPENLINE_S3_PORT: '0',
      OPENLINE_CHIME_PORT: '0',
      OPENLINE_ATHENA_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // OPENLINE_CLOUD_LOG=<file> keeps the local cloud's output of a test run, for debugging.
  const keep = process.env.OPENLINE_CLOUD_LOG;
  const collect = (d: Buffer) => {
    output += d.toString();
    if (keep !== undefined) appendFileSync(keep, d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((done) =>
    child.on('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  const timeoutMs = options.timeoutMs ?? 90_000;
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((done) => {
      const check = () => {
        if (/\bready\b/.test(output)) done(true);
      };
      child.stdout?.on('data', check);
      check();
    }),
    exited.then(() => false),
    new Promise<boolean>((done) => {
      timer = setTimeout(() => done(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (!ready) {
    await stop('SIGTERM');
    throw new Error(`the local cloud did not print 'ready' within ${timeoutMs} ms. Output:\n${output}`);
  }
  return {
    child,
    webUrl: `http://127.0.0.1:${webPort}`,
    readyAfterMs: Date.now() - began,
    output: () => output,
    stop,
  };
}
