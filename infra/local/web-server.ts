/**
 * The local cloud's front door, on one port (3000 by default): GET /health, the HTTP API under /api, the
 * WebSocket API on /ws with its management endpoint, the local issuer under /_auth, and the built web app
 * for everything else. One origin locally means no CORS; on AWS, CloudFront puts the same paths in front of
 * the same kinds of origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpApiGateway } from './http-api-gateway.ts';
import type { LocalIssuer } from './local-issuer.ts';
import { serveStatic } from './static-files.ts';
import type { WebSocketApiGateway } from './websocket-api-gateway.ts';

export interface WebServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startWebServer(options: {
  port: number;
  webRoot: string;
  http: HttpApiGateway;
  websocket: WebSocketApiGateway;
  health: () => Promise<{ status: string }>;
  /** Further WebSocket endpoints by path (the virtual PSTN's, for one). */
  upgrades?: ReadonlyMap<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  /** The local issuer (a stand-in for a Cognito user pool) under its path, /_auth/. */
  auth?: Pick<LocalIssuer, 'owns' | 'handle'>;
  /** Local-only services answering their own paths (the demo order service under /_demo/). */
  services?: readonly ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean)[];
  /** Local-only controls under /_emulator/ (JSON in, JSON out). */
  control?: (method: string, path: string, body: unknown) => { status: number; body: unknown };
}): Promise<WebServer> {
  const { http, websocket } = options;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = async () => {
      if (url.pathname === '/health') {
        const body = await options.health();
        res.writeHead(body.status === 'ok' ? 200 : 503, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(JSON.stringify(body, null, 2));
        return;
      }
      if (http.owns(url.pathname)) return http.handle(req, res, url);
      if (options.auth?.owns(url.pathname)) return options.auth.handle(req, res, url);
      if (options.services?.some((serve) => serve(req, res, url))) return;
      if (url.pathname.startsWith('/_emulator/') && options.control !== undefined) {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        let body: unknown;
        try {
          body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"body must be JSON"}');
          return;
        }
        const result = options.control(req.method ?? 'GET', url.pathname, body);
        res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
        return;
      }
      if (url.pathname.startsWith(`${websocket.managementPath}/`))
        return websocket.handleManagement(req, res, url);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      return serveStatic(options.webRoot, url.pathname, res);
    };
    route().catch((error: unknown) => {
      process.stderr.write(`[web] ${req.method} ${url.pathname} failed: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const other = options.upgrades?.get(url.pathname);
    if (other !== undefined) {
      other(req, socket, head);
      return;
    }
    if (url.pathname !== websocket.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    websocket.upgrade(req, socket, head, url).catch(() => socket.destroy());
  });
  // Keep-alive sockets would hold close() open; the local cloud closes them itself.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
