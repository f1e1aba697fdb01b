/**
 * The IVR's data lookup: an HTTP call to a tenant's own service (CRM, order system) with a short timeout,
 * whose JSON reply becomes call attributes. Tenant URLs are untrusted, so the request goes only to a
 * public address: https on port 443, the host's addresses checked after DNS resolution (no loopback,
 * private, link-local, unique-local or mapped addresses) and the connection made to the checked address,
 * so a name cannot be re-pointed between the check and the connection. Plain http, to any port, is
 * allowed only to the hosts the operator lists (the local cloud lists 127.0.0.1 for its demo service).
 * Failures come back as a coarse reason (timeout, http-<status>, error) that tells nothing about the
 * inside of the network.
 */
import { lookup as resolve } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { LookupRequest } from '../domain/flows/run-flow.ts';

export type LookupResult = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

const MAX_REPLY_BYTES = 64 * 1024;
const MAX_FIELDS = 20;
const MAX_VALUE_CHARS = 256;

/** Addresses a tenant's public service never has. */
const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  forbidden.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  forbidden.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(literal: string): boolean {
  const address = literal.replace(/^\[|\]$/g, '');
  const family = isIP(address);
  if (family === 0) return false;
  // An IPv4-mapped IPv6 address (::ffff:a9fe:a9fe) is the IPv4 address it maps.
  const mapped = /^::ffff:(.+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return isPublicAddress(isIP(mapped) === 4 ? mapped : hexToIpv4(mapped));
  return !forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function hexToIpv4(hex: string): string {
  const [high = '', low = ''] = hex.split(':');
  const n = (Number.parseInt(high, 16) << 16) | Number.parseInt(low, 16);
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

export function httpLookup(options: { plainHttpHosts: readonly string[] }) {
  return (request: LookupRequest): Promise<LookupResult> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve({ ok: false, reason: 'error' });
    }
    const trusted = options.plainHttpHosts.includes(url.hostname);
    const https = url.protocol === 'https:';
    if (!trusted && (!https || (url.port !== '' && url.port !== '443')))
      return Promise.resolve({ ok: false, reason: 'error' });
    if (!https && url.protocol !== 'http:') return Promise.resolve({ ok: false, reason: 'error' });
    return send(url, request, trusted ? undefined : publicOnly);
  };
}

/** Resolves a name and refuses it unless every address is public; the socket connects to that address. */
export const publicOnly: LookupFunction = (hostname, options, callback) => {
  resolve(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    if (list.length === 0 || !list.every((a) => isPublicAddress(a.address)))
      return callback(
        Object.assign(new Error(`${hostname} is not a public address`), { code: 'EFORBIDDEN' }),
        '',
        0,
      );
    if ((options as { all?: boolean }).all === true)
      return (callback as unknown as (e: null, a: unknown) => void)(null, list);
    const first = list[0] as { address: string; family: number };
    return callback(null, first.address, first.family);
  });
};

function send(url: URL, request: LookupRequest, lookup: LookupFunction | undefined): Promise<LookupResult> {
  return new Promise((done) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: LookupResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(result);
    };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    // A literal address in the URL skips DNS, so it is checked here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (lookup !== undefined && isIP(literal) !== 0 && !isPublicAddress(literal))
      return finish({ ok: false, reason: 'error' });
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
        ...(lookup === undefined ? {} : { lookup }),
      },
      (res) => read(res, finish),
    );
    timer = setTimeout(() => {
      finish({ ok: false, reason: 'timeout' });
      req.destroy();
    }, request.timeoutMs);
    req.on('error', () => finish({ ok: false, reason: 'error' }));
    req.end(body);
  });
}

function read(res: IncomingMessage, finish: (result: LookupResult) => void): void {
  // Redirects are not followed: a public service could point the lookup at an inside address.
  if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
    res.resume();
    finish({ ok: false, reason: `http-${res.statusCode ?? 0}` });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REPLY_BYTES) {
      res.destroy();
      finish({ ok: false, reason: 'error' });
      return;
    }
    chunks.push(chunk);
  });
  res.on('error', () => finish({ ok: false, reason: 'error' }));
  res.on('end', () => {
    let reply: unknown;
    try {
      reply = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      finish({ ok: false, reason: 'error' });
      return;
    }
    if (typeof reply !== 'object' || reply === null || Array.isArray(reply))
      finish({ ok: false, reason: 'error' });
    else finish({ ok: true, values: flatten(reply as Record<string, unknown>) });
  });
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
