/**
 * The IVR's data lookup: an HTTP call to a tenant's own service (CRM, order system) with a short timeout,
 * whose JSON reply becomes call attributes. Tenant URLs are untrusted: https only (plain http only to hosts
 * the operator lists), no redirects, no cloud metadata addresses, a bounded reply.
 */
import type { LookupRequest } from '../domain/flows/run-flow.ts';

export type LookupResult = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

const MAX_REPLY_BYTES = 64 * 1024;
const MAX_FIELDS = 20;
const MAX_VALUE_CHARS = 256;
/** Instance metadata and other link-local addresses are never a tenant's service. */
const FORBIDDEN_HOST = /^(169\.254\.|\[?fe80:|\[?fd00:ec2::254\]?$|metadata\.google\.internal$)/i;

export function httpLookup(options: { plainHttpHosts: readonly string[] }) {
  return async (request: LookupRequest): Promise<LookupResult> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return { ok: false, reason: 'bad-url' };
    }
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && options.plainHttpHosts.includes(url.hostname))
    )
      return { ok: false, reason: 'insecure-url' };
    if (FORBIDDEN_HOST.test(url.hostname)) return { ok: false, reason: 'forbidden-host' };
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'error',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      return {
        ok: false,
        reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable',
      };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `http-${response.status}` };
    }
    const text = await readLimited(response, MAX_REPLY_BYTES);
    if (text === undefined) return { ok: false, reason: 'reply-too-large' };
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'not-json' };
    }
    if (typeof reply !== 'object' || reply === null || Array.isArray(reply))
      return { ok: false, reason: 'not-an-object' };
    return { ok: true, values: flatten(reply as Record<string, unknown>) };
  };
}

/** Top-level fields and one level of nesting (`eta.date`), as strings; lists and deeper objects are skipped. */
function flatten(reply: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, value: unknown) => {
    if (Object.keys(out).length >= MAX_FIELDS || !/^[A-Za-z][A-Za-z0-9_.-]{0,40}$/.test(name)) return;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[name] = String(value).slice(0, MAX_VALUE_CHARS);
  };
  for (const [name, value] of Object.entries(reply)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) add(`${name}.${inner}`, v);
    } else add(name, value);
  }
  return out;
}

async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
