/**
 * Local-only controls of the Chime emulator under `/_emulator/` on the local cloud's port, for tests and
 * developers: take a region down or up (failover), plug in a handler that runs in another process, and
 * read a call's invocation log. Nothing here exists on AWS, and no handler uses it.
 *
 *   GET  /_emulator/regions                      → { regions: { "us-east-1": "up", … } }
 *   POST /_emulator/regions/<region>             { "status": "down" | "up" }
 *   PUT  /_emulator/functions/<name>             { "url": "http://127.0.0.1:<port>/…" }  (POST event → JSON reply)
 *   GET  /_emulator/calls/<transactionId>/log    → { transactionId, entries }
 *   GET|PUT /_emulator/faults                    the local cloud's injected faults (../fault-injection.ts)
 */
import type { ChimeEmulator } from './chime-emulator.ts';

export interface ControlReply {
  readonly status: number;
  readonly body: unknown;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function emulatorControls(
  chime: ChimeEmulator,
  /** Function names the local cloud itself registered; a plug-in may not replace them. */
  builtIn: ReadonlySet<string>,
  /** The local cloud's fault switches, served at /_emulator/faults. */
  faults?: (method: string, body: unknown) => ControlReply,
): (method: string, path: string, body: unknown) => ControlReply {
  const error = (status: number, message: string): ControlReply => ({ status, body: { message } });
  const regionsView = () => ({ regions: Object.fromEntries(chime.regions) });

  return (method, path, body) => {
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .slice(1)
      .map((p) => decodeURIComponent(p));
    const [resource, id, sub] = parts;
    const field = (name: string): unknown =>
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

    if (resource === 'faults' && id === undefined && faults !== undefined) return faults(method, body);
    if (resource === 'regions' && id === undefined && method === 'GET')
      return { status: 200, body: regionsView() };
    if (resource === 'regions' && id !== undefined && parts.length === 2 && method === 'POST') {
      if (!chime.regions.has(id))
        return error(
          404,
          `no region '${id}' here; the local cloud runs ${[...chime.regions.keys()].join(', ')}`,
        );
      const status = field('status');
      if (status !== 'up' && status !== 'down')
        return error(400, 'the body must be {"status":"up"} or {"status":"down"}');
      chime.regions.set(id, status);
      return { status: 200, body: regionsView() };
    }
    if (resource === 'functions' && id !== undefined && parts.length === 2 && method === 'PUT') {
      if (!FUNCTION_NAME.test(id))
        return error(400, 'a function name is 1-64 characters of A-Z, a-z, 0-9, _ and -');
      if (builtIn.has(id))
        return error(409, `'${id}' is one of the local cloud's own functions and cannot be replaced`);
      const url = field('url');
      if (typeof url !== 'string' || !isLoopbackUrl(url))
        return error(400, 'the body must be {"url":"http://127.0.0.1:<port>/<path>"} (a loopback http URL)');
      chime.functions.registerHttp(id, url);
      return { status: 200, body: { name: id, url } };
    }
    if (resource === 'calls' && id !== undefined && sub === 'log' && parts.length === 3 && method === 'GET') {
      const entries = chime.engine.log.entries(id);
      if (entries.length === 0) return error(404, `no call with transaction id '${id}' in the log`);
      return { status: 200, body: { transactionId: id, entries } };
    }
    return error(404, `no emulator control at ${method} ${path}`);
  };
}

function isLoopbackUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  } catch {
    return false;
  }
}
