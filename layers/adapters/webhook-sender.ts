/**
 * Sends one webhook delivery: a signed JSON POST to the tenant's endpoint with a short timeout. Endpoint
 * URLs are untrusted like IVR lookups' (http-lookup.ts): https to public addresses only, checked after DNS
 * and connected to the checked address; plain http only to the operator's listed hosts; no redirects.
 * The answer is the status code (2xx is delivered) or a coarse reason.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress, publicOnly } from './http-lookup.ts';

export type SendResult = { ok: true; status: number } | { ok: false; status?: number; reason: string };

const TIMEOUT_MS = 5_000;

export function webhookSender(options: { plainHttpHosts: readonly string[] }) {
  return (target: string, headers: Record<string, string>, body: string): Promise<SendResult> => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.resolve({ ok: false, reason: 'invalid url' });
    }
    const trusted = options.plainHttpHosts.includes(url.hostname);
    const https = url.protocol === 'https:';
    if (!https && !(trusted && url.protocol === 'http:'))
      return Promise.resolve({ ok: false, reason: 'not an https url' });
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!trusted && isIP(literal) !== 0 && !isPublicAddress(literal))
      return Promise.resolve({ ok: false, reason: 'not a public address' });
    return new Promise((done) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done(result);
      };
      const req = (https ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Openline-Webhooks/1',
            ...headers,
          },
          ...(trusted ? {} : { lookup: publicOnly }),
        },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          finish(
            status >= 200 && status < 300
              ? { ok: true, status }
              : { ok: false, status, reason: `http ${status}` },
          );
        },
      );
      const timer = setTimeout(() => {
        finish({ ok: false, reason: 'timeout' });
        req.destroy();
      }, TIMEOUT_MS);
      req.on('error', (error) =>
        finish({
          ok: false,
          reason:
            (error as { code?: string }).code === 'EFORBIDDEN' ? 'not a public address' : 'connection failed',
        }),
      );
      req.end(body);
    });
  };
}
