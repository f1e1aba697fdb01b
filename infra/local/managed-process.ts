/**
 * A child process of the local cloud: its output kept for error messages, its exit observed, and a stop
 * that escalates from SIGTERM to SIGKILL so that nothing outlives `npm start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) when the process has exited. */
  readonly exited: Promise<number | string>;
  /** The last lines the process printed, for error messages. */
  recentOutput(): string;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError';
}

export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): ManagedProcess {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exitedFlag = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (error) => {
      exitedFlag = true;
      lines.push(String(error));
      resolve((error as NodeJS.ErrnoException).code ?? 'error');
    });
    child.on('exit', (code, signal) => {
      exitedFlag = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });

  return {
    name,
    pid: child.pid ?? -1,
    exited,
    recentOutput: () => lines.join('\n'),
    async stop(graceMs = 5_000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `probe` until it succeeds; fails early if the process exits, and after `timeoutMs`. */
export async function waitUntilReady(
  child: ManagedProcess,
  probe: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new ProcessStartError(
        `${child.name} exited (${exitCode}) before it was ready. Its last output:\n${child.recentOutput()}`,
      );
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new ProcessStartError(
    `${child.name} was not ready within ${timeoutMs} ms (last probe error: ${String(lastError)}). ` +
      `Its last output:\n${child.recentOutput()}`,
  );
}
