/**
 * The local HTTP API: matches a request to a route of functions/routes.ts, runs the JWT authoriser on
 * routes with auth 'jwt' and the Lambda authoriser (functions/authorizer) on 'jwt-or-key' routes, builds the API Gateway v2 (payload format 2.0) event, invokes the handler module
 * in-process and writes its result back, the way API Gateway's Lambda proxy integration does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { authorizerFunction, type HttpRouteDefinition } from '../../functions/routes.ts';
import type { JwtAuthorizer } from './jwt-authorizer.ts';

type LambdaAuthorizer = (event: {
  type: 'REQUEST';
  routeKey: string;
  headers: Record<string, string>;
}) => Promise<{ isAuthorized: boolean; context?: Readonly<Record<string, string>> }>;

import { invokeWithTimeout, lambdaContext, loadHandler } from './lambda-context.ts';

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

interface CompiledRoute {
  readonly route: HttpRouteDefinition;
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: string[];
}

const INTEGRATION_TIMEOUT_MS = 30_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

function compile(route: HttpRouteDefinition): CompiledRoute {
  const [method, path] = route.routeKey.split(' ') as [string, string];
  const params: string[] = [];
  const pattern = path
    .split('/')
    .map((part) => {
      const m = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
      if (m === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1] as string);
      return m[2] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, method, pattern: new RegExp(`^${pattern}$`), params };
}

export class HttpApiGateway {
  private readonly compiled: CompiledRoute[];

  constructor(
    routes: readonly HttpRouteDefinition[],
    private readonly functionsDir: URL,
    private readonly region: string,
    /** Without one, every route with auth 'jwt' answers 401. */
    private readonly authorizer?: JwtAuthorizer,
  ) {
    this.compiled = routes.map(compile);
  }

  /** True if the path belongs to the API (even when no method matches: that is a 404/405 of the API). */
  owns(path: string): boolean {
    return path === '/api' || path.startsWith('/api/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const candidates = this.compiled.filter((c) => c.pattern.test(path));
    const match = candidates.find((c) => c.method === req.method || c.method === 'ANY');
    if (match === undefined) {
      // API Gateway answers unmatched routes with 404 {"message":"Not Found"}.
      return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
    }
    let authorizer: Record<string, unknown> | undefined;
    if (match.route.auth === 'jwt-or-key') {
      // The Lambda authoriser (ID tokens and API keys). As API Gateway does: no Authorization header is a
      // 401 without invoking it; its refusal is a 403.
      const authorization = req.headers.authorization;
      if (authorization === undefined || authorization.trim() === '')
        return send(
          res,
          401,
          { 'content-type': 'application/json' },
          JSON.stringify({ message: 'Unauthorized' }),
        );
      const authorize = await loadHandler<LambdaAuthorizer>(this.functionsDir, authorizerFunction.module);
      let verdict: Awaited<ReturnType<LambdaAuthorizer>>;
      try {
        verdict = await authorize({
          type: 'REQUEST',
          routeKey: match.route.routeKey,
          headers: { authorization },
        });
      } catch (error) {
        process.stderr.write(`[gateway] the authoriser failed: ${(error as Error).stack ?? String(error)}\n`);
        return send(
          res,
          500,
          { 'content-type': 'application/json' },
          JSON.stringify({ message: 'Internal Server Error' }),
        );
      }
      if (!verdict.isAuthorized)
        return send(
          res,
          403,
          { 'content-type': 'application/json' },
          JSON.stringify({ message: 'Forbidden' }),
        );
      authorizer = { lambda: { ...verdict.context } };
    } else if (match.route.auth === 'jwt') {
      const verdict =
        this.authorizer === undefined
          ? { ok: false as const, reason: 'no JWT authoriser is configured' }
          : await this.authorizer.authorize(req.headers.authorization);
      if (!verdict.ok) {
        // API Gateway's answer: the handler is not invoked, and only this header says why.
        return send(
          res,
          401,
          {
            'content-type': 'application/json',
            'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${verdict.reason}"`,
          },
          JSON.stringify({ message: 'Unauthorized' }),
        );
      }
      // scopes is null when the route asks for none, as API Gateway sends it.
      authorizer = { jwt: { claims: { ...verdict.claims }, scopes: null } };
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return send(
        res,
        413,
        { 'content-type': 'application/json' },
        JSON.stringify({ message: 'Request Too Large' }),
      );
    }
    const values = match.pattern.exec(path)?.slice(1) ?? [];
    const event = buildEvent(req, url, match, values, body, authorizer);
    const fn = match.route.module.replace(/\.ts$/, '').replaceAll('/', '-');
    let result: APIGatewayProxyResultV2;
    try {
      const handler = await loadHandler<HttpHandler>(this.functionsDir, match.route.module);
      result = await invokeWithTimeout(
        () => handler(event, lambdaContext(fn, INTEGRATION_TIMEOUT_MS, this.region)),
        INTEGRATION_TIMEOUT_MS,
        fn,
      );
    } catch (error) {
      process.stderr.write(
        `[gateway] ${req.method} ${path} failed: ${(error as Error).stack ?? String(error)}\n`,
      );
      return send(
        res,
        500,
        { 'content-type': 'application/json' },
        JSON.stringify({ message: 'Internal Server Error' }),
      );
    }
    writeResult(res, result);
  }
}

function buildEvent(
  req: IncomingMessage,
  url: URL,
  match: CompiledRoute,
  values: string[],
  body: Buffer,
  authorizer: Record<string, unknown> | undefined,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const textual = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/.test(
    headers['content-type'] ?? 'text/',
  );
  const pathParameters = Object.fromEntries(
    match.params.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
  );
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: req.headers.cookie?.split(';').map((c) => c.trim()),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: match.params.length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127').split('.')[0] ?? '127',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(authorizer === undefined ? {} : { authorizer }),
    },
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

/** Payload format 2.0: a structured result is used as is; anything else is a 200 JSON body. */
function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    if (result.cookies !== undefined && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
    send(res, result.statusCode ?? 200, headers, body);
    return;
  }
  send(
    res,
    200,
    { 'content-type': 'application/json' },
    typeof result === 'string' ? result : JSON.stringify(result),
  );
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
) {
  res.writeHead(status, headers);
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
