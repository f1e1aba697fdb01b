/**
 * Lambda's Invoke API for the SIP media application functions of one region, on the region's web port:
 * `POST /_lambda/2015-03-31/functions/<name>/invocations` runs the handler in this process and answers its
 * JSON result. A local cloud started against an outside Chime emulator (the failover drill's phone network)
 * serves its call-control this way, so the SMA in that region invokes this process and no other; when the
 * process is down the invocation fails, as a Lambda in a failed region does, and the SIP rule moves on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadHandler } from './lambda-context.ts';

export const LAMBDA_INVOKE_PREFIX = '/_lambda/2015-03-31/functions/';

type SmaHandler = (event: unknown) => Promise<unknown>;

export function lambdaInvokeUrl(webUrl: string, functionName: string): string {
  return `${webUrl.replace(/\/$/, '')}${LAMBDA_INVOKE_PREFIX}${functionName}/invocations`;
}

/** A web-server service answering Invoke for the given functions (name → module under functions/). */
export function lambdaInvokeEndpoint(
  functionsDir: URL,
  functions: readonly { name: string; module: string }[],
): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  const modules = new Map(functions.map((f) => [f.name, f.module]));
  return (req, res, url) => {
    if (!url.pathname.startsWith(LAMBDA_INVOKE_PREFIX)) return false;
    const [name, rest] = url.pathname.slice(LAMBDA_INVOKE_PREFIX.length).split('/');
    const module = name === undefined ? undefined : modules.get(name);
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (module === undefined || rest !== 'invocations' || req.method !== 'POST') {
      reply(404, { message: `no function at ${req.method} ${url.pathname}` });
      return true;
    }
    void invoke(req, module)
      .then((result) => reply(200, result ?? null))
      // Lambda answers a function error with 200 and X-Amz-Function-Error; the SMA treats both as a failed
      // invocation, and a plain 502 keeps the client simple.
      .catch((error: unknown) => reply(502, { errorMessage: String((error as Error).message ?? error) }));
    return true;
  };

  async function invoke(req: IncomingMessage, module: string): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const handler = await loadHandler<SmaHandler>(functionsDir, module);
    return handler(event);
  }
}
