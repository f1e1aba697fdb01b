/**
 * The local WebSocket API: $connect / $disconnect / $default and `action`-selected routes invoke the handler
 * modules in-process with API Gateway's WebSocket event shape, and the connection-management API
 * (POST/GET/DELETE /@connections/{id}) lets handlers push to clients through the real SDK client.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { type WebSocket, WebSocketServer } from 'ws';
import type { WebSocketRouteDefinition } from '../../functions/routes.ts';
import { invokeWithTimeout, lambdaContext, loadHandler } from './lambda-context.ts';

type WsHandler = (
  event: APIGatewayProxyWebsocketEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

interface Connection {
  readonly socket: WebSocket;
  /** What the authoriser verified at $connect; every later event of the connection carries it. */
  readonly authorizer: Readonly<Record<string, string>> | undefined;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
}

const MAX_FRAME_BYTES = 128 * 1024; // API Gateway's WebSocket frame limit
const HANDLER_TIMEOUT_MS = 29_000;

export class WebSocketApiGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly connections = new Map<string, Connection>();
  private readonly routes: Map<string, WebSocketRouteDefinition>;

  constructor(
    routes: readonly WebSocketRouteDefinition[],
    private readonly functionsDir: URL,
    private readonly region: string,
    /** Path clients connect to, e.g. /ws. */
    readonly path: string,
    /** Path prefix of the management API, e.g. /_gateway/ws (the SDK appends /@connections/{id}). */
    readonly managementPath: string,
    /**
     * Checks the `token` query parameter at $connect, as the WebSocket API's Lambda authoriser does on AWS:
     * a refused token is a 401 and no handler runs; an accepted one's claims reach every event.
     */
    private readonly authorizer?: {
      authorize(
        token: string | undefined,
      ): Promise<{ ok: true; claims: Readonly<Record<string, string>> } | { ok: false; reason: string }>;
    },
  ) {
    this.routes = new Map(routes.map((r) => [r.routeKey, r]));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Handles an HTTP upgrade on `path`: runs $connect, and accepts the socket only if it returns 2xx. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const connectionId = `${randomBytes(11).toString('base64url')}=`;
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const userAgent = req.headers['user-agent'] ?? '';
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    const query = Object.fromEntries(url.searchParams);
    const connectedAt = Date.now();
    let authorizer: Readonly<Record<string, string>> | undefined;
    if (this.authorizer !== undefined) {
      const verdict = await this.authorizer.authorize(url.searchParams.get('token') ?? undefined);
      if (!verdict.ok) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      authorizer = { principalId: verdict.claims.sub ?? '', ...verdict.claims };
    }
    const event = {
      ...this.event('$connect', 'CONNECT', connectionId, connectedAt, undefined, authorizer),
      headers,
      queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    };
    const status = await this.invoke('$connect', event);
    if (status < 200 || status > 299) {
      socket.end(
        `HTTP/1.1 ${status === 401 ? '401 Unauthorized' : '403 Forbidden'}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = {
        socket: ws,
        authorizer,
        connectedAt,
        lastActiveAt: connectedAt,
        sourceIp,
        userAgent,
      };
      this.connections.set(connectionId, connection);
      ws.on('message', (data, isBinary) => {
        connection.lastActiveAt = Date.now();
        const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
        void this.dispatch(connectionId, connectedAt, body, authorizer);
      });
      ws.on('close', () => {
        if (!this.connections.delete(connectionId)) return;
        void this.invoke(
          '$disconnect',
          this.event('$disconnect', 'DISCONNECT', connectionId, connectedAt, undefined, authorizer),
        );
      });
    });
  }

  /** Route selection on `$request.body.action`, falling back to $default. */
  private async dispatch(
    connectionId: string,
    connectedAt: number,
    body: string,
    authorizer: Readonly<Record<string, string>> | undefined,
  ): Promise<void> {
    let action: unknown;
    try {
      action = (JSON.parse(body) as { action?: unknown }).action;
    } catch {
      action = undefined;
    }
    const routeKey = typeof action === 'string' && this.routes.has(action) ? action : '$default';
    await this.invoke(routeKey, this.event(routeKey, 'MESSAGE', connectionId, connectedAt, body, authorizer));
  }

  private event(
    routeKey: string,
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
    connectionId: string,
    connectedAt: number,
    body: string | undefined,
    authorizer?: Readonly<Record<string, string>>,
  ): APIGatewayProxyWebsocketEventV2 {
    const now = new Date();
    return {
      requestContext: {
        routeKey,
        messageId: eventType === 'MESSAGE' ? randomUUID() : undefined,
        eventType,
        extendedRequestId: randomUUID(),
        requestTime: now.toUTCString(),
        messageDirection: 'IN',
        stage: 'local',
        connectedAt,
        requestTimeEpoch: now.getTime(),
        requestId: randomUUID(),
        domainName: '127.0.0.1',
        connectionId,
        apiId: 'local-ws',
        ...(authorizer === undefined ? {} : { authorizer }),
      },
      body,
      isBase64Encoded: false,
    } as APIGatewayProxyWebsocketEventV2;
  }

  /** Invokes a route's handler; a missing route or a failing handler counts as a 500, as on AWS. */
  private async invoke(routeKey: string, event: APIGatewayProxyWebsocketEventV2): Promise<number> {
    const route = this.routes.get(routeKey);
    if (route === undefined) return routeKey === '$connect' || routeKey === '$disconnect' ? 200 : 500;
    try {
      const handler = await loadHandler<WsHandler>(this.functionsDir, route.module);
      const fn = route.module.replace(/\.ts$/, '').replaceAll('/', '-');
      const result = await invokeWithTimeout(
        () => handler(event, lambdaContext(fn, HANDLER_TIMEOUT_MS, this.region)),
        HANDLER_TIMEOUT_MS,
        fn,
      );
      return typeof result === 'object' && result !== null && 'statusCode' in result
        ? (result.statusCode ?? 200)
        : 200;
    } catch (error) {
      process.stderr.write(
        `[gateway] websocket ${routeKey} failed: ${(error as Error).stack ?? String(error)}\n`,
      );
      return 500;
    }
  }

  /** The connection-management API under `managementPath`. */
  async handleManagement(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice(this.managementPath.length);
    const m = /^\/@connections\/([^/]+)$/.exec(rest);
    if (m === null) return reply(res, 404, 'NotFoundException', 'no such management resource');
    const connectionId = decodeURIComponent(m[1] as string);
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return reply(res, 410, 'GoneException', null);
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      if (data.length > MAX_FRAME_BYTES)
        return reply(res, 413, 'PayloadTooLargeException', 'payload too large');
      connection.socket.send(data.toString('utf8'));
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ConnectedAt: new Date(connection.connectedAt).toISOString(),
          LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
          Identity: { SourceIp: connection.sourceIp, UserAgent: connection.userAgent },
        }),
      );
      return;
    }
    if (req.method === 'DELETE') {
      connection.socket.close(1000);
      res.writeHead(204).end();
      return;
    }
    reply(res, 405, 'MethodNotAllowed', 'method not allowed');
  }

  async close(): Promise<void> {
    for (const { socket } of this.connections.values()) socket.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** restJson1 error: the SDK reads the type from x-amzn-errortype. */
function reply(res: ServerResponse, status: number, type: string, message: string | null): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}
