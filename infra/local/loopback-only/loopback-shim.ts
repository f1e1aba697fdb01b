/**
 * Builds (once, cached by source hash) the LD_PRELOAD shim that confines DynamoDB Local and kinesis-local to
 * 127.0.0.1 and ties their lives to the local cloud's process. Without a C compiler the emulators still run,
 * listening on every interface, and the local cloud says so.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const source = fileURLToPath(new URL('./loopback-only.c', import.meta.url));

export type ShimResult = { readonly path: string } | { readonly path: undefined; readonly reason: string };

export async function buildLoopbackShim(cacheDir: string): Promise<ShimResult> {
  const code = await readFile(source);
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const target = join(cacheDir, `loopback-only-${hash}.so`);
  if (existsSync(target)) return { path: target };
  await mkdir(cacheDir, { recursive: true });
  const partial = join(tmpdir(), `loopback-only-${hash}-${process.pid}.so`);
  try {
    await run('cc', ['-shared', '-fPIC', '-O2', '-o', partial, source, '-ldl'], { timeout: 60_000 });
    await rename(partial, target).catch(async () => {
      // Another process may have built it, or tmp is on another device: fall back to a copy.
      const { copyFile } = await import('node:fs/promises');
      if (!existsSync(target)) await copyFile(partial, target);
    });
    return { path: target };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no C compiler (cc) found' : String(error);
    return { path: undefined, reason };
  }
}
