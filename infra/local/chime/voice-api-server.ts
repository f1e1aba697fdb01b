/**
 * The local Chime SDK Voice REST API (spec §5.2): the operations the contact center uses, with the
 * methods, paths and status codes of the SDK model, so the official client works against it with only
 * an endpoint override. Account state lives in the voice store; calls go to the SMA engine.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  badRequest,
  ChimeApiError,
  label,
  notFound,
  ok,
  optionalBoolean,
  optionalObjectList,
  optionalString,
  optionalStringMap,
  pageQuery,
  queryInteger,
  queryText,
  type Route,
  readJsonBody,
  requestRegion,
  requiredObjectList,
  requiredString,
  requiredStringList,
  route,
  sendError,
  sendJson,
  serviceFailure,
  unknownOperation,
} from './rest-json.ts';
import { CallRejectedError, type SmaCalls, TransactionNotFoundError } from './telephony-ports.ts';
import type { SipRuleTargetApplication, VoiceStore } from './voice-store.ts';

export interface VoiceApiServer {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const E164 = /^\+?[1-9]\d{1,14}$/;
const MAX_CALL_MAP_ENTRIES = 20;
const MAX_SIP_HEADER_VALUE = 2048;
/** Invocation ids remembered so a retried CreateSipMediaApplicationCall does not place a second call. */
const REMEMBERED_INVOCATIONS = 1000;

export async function startVoiceApiServer(options: {
  port: number;
  host?: '127.0.0.1';
  store: VoiceStore;
  calls: SmaCalls;
  defaultRegion: string;
  /** Operations of another Chime SDK API served on the same port (the meetings API). */
  extraRoutes?: readonly Route[];
}): Promise<VoiceApiServer> {
  const routes = [...voiceApiRoutes(options.store, options.calls), ...(options.extraRoutes ?? [])];
  const server: Server = createServer((req, res) => {
    void serve(routes, options.defaultRegion, req, res);
  });
  // Keep-alive sockets would hold close() open.
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  routes: readonly Route[],
  defaultRegion: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  try {
    const match = matchRoute(routes, method, url);
    if (match === undefined) throw unknownOperation(method, url.pathname);
    const request = {
      req,
      region: requestRegion(req, defaultRegion),
      labels: match.labels,
      query: url.searchParams,
    };
    const reply = await match.route.run(request);
    sendJson(res, reply.status, requestId, reply.body);
  } catch (error) {
    const known = asApiError(error);
    if (known === undefined)
      process.stderr.write(
        `[chime-voice-api] ${method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}\n`,
      );
    if (res.headersSent) res.end();
    else sendError(res, requestId, known ?? serviceFailure('Internal service failure'));
  }
}

/** Errors of the SMA engine's port as the API reports them; undefined for anything unexpected. */
function asApiError(error: unknown): ChimeApiError | undefined {
  if (error instanceof ChimeApiError) return error;
  if (error instanceof TransactionNotFoundError) return notFound(error.message || 'Transaction not found');
  if (error instanceof CallRejectedError) return badRequest(error.message);
  return undefined;
}

function matchRoute(
  routes: readonly Route[],
  method: string,
  url: URL,
): { route: Route; labels: string[] } | undefined {
  const segments = decodedSegments(url.pathname);
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    if (!queryFits(route, url.searchParams)) continue;
    const labels: string[] = [];
    const fits = route.segments.every((expected, i) => {
      const actual = segments[i] ?? '';
      if (expected !== '{}') return actual === expected;
      labels.push(actual);
      return actual !== '';
    });
    if (fits) return { route, labels };
  }
  return undefined;
}

/** Split first, then decode: the SDK sends `/` inside a label as `%2F` and `+` as `%2B`. */
function decodedSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .slice(1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw badRequest(`Malformed percent-encoding in the path: ${segment}`);
      }
    });
}

/** A fixed query part must be there; `operation=…` selects an operation this API does not serve. */
function queryFits(route: Route, query: URLSearchParams): boolean {
  const fixed = route.fixedQuery ?? {};
  if (query.has('operation') && fixed.operation === undefined) return false;
  return Object.entries(fixed).every(([name, value]) => query.get(name) === value);
}

// -------------------------------------------------------------------------------------------- routes

function voiceApiRoutes(store: VoiceStore, calls: SmaCalls): Route[] {
  const placedCalls = new Map<string, string>();
  return [
    route(
      'GET',
      '/search',
      async ({ query }) => {
        const result = store.searchAvailablePhoneNumbers({
          areaCode: queryText(query, 'area-code'),
          city: queryText(query, 'city'),
          country: queryText(query, 'country'),
          state: queryText(query, 'state'),
          tollFreePrefix: queryText(query, 'toll-free-prefix'),
          phoneNumberType: queryText(query, 'phone-number-type'),
          maxResults: queryInteger(query, 'max-results'),
          nextToken: queryText(query, 'next-token'),
        });
        return ok(200, { E164PhoneNumbers: result.e164PhoneNumbers, NextToken: result.nextToken });
      },
      { type: 'phone-numbers' },
    ),
    route('POST', '/phone-number-orders', async ({ req, region }) => {
      const body = await readJsonBody(req);
      const order = store.createPhoneNumberOrder(region, {
        ProductType: requiredString(body, 'ProductType'),
        E164PhoneNumbers: requiredStringList(body, 'E164PhoneNumbers'),
        Name: optionalString(body, 'Name'),
      });
      return ok(201, { PhoneNumberOrder: order });
    }),
    route('GET', '/phone-number-orders/{}', async ({ labels }) =>
      ok(200, { PhoneNumberOrder: store.getPhoneNumberOrder(label(labels, 0)) }),
    ),
    route('GET', '/phone-number-orders', async ({ query }) => {
      const page = store.listPhoneNumberOrders(pageQuery(query));
      return ok(200, { PhoneNumberOrders: page.items, NextToken: page.nextToken });
    }),
    route('GET', '/phone-numbers/{}', async ({ labels }) =>
      ok(200, { PhoneNumber: store.getPhoneNumber(label(labels, 0)) }),
    ),
    route('GET', '/phone-numbers', async ({ query }) => {
      const page = store.listPhoneNumbers({
        status: queryText(query, 'status'),
        productType: queryText(query, 'product-type'),
        filterName: queryText(query, 'filter-name'),
        filterValue: queryText(query, 'filter-value'),
        ...pageQuery(query),
      });
      return ok(200, { PhoneNumbers: page.items, NextToken: page.nextToken });
    }),
    route('DELETE', '/phone-numbers/{}', async ({ labels }) => {
      store.deletePhoneNumber(label(labels, 0));
      return ok(204);
    }),
    route('POST', '/sip-media-applications', async ({ req, region }) => {
      const body = await readJsonBody(req);
      const tags = optionalObjectList(body, 'Tags')?.map((tag, i) => ({
        Key: requiredString(tag, 'Key', `Tags[${i}].`),
        Value: requiredString(tag, 'Value', `Tags[${i}].`),
      }));
      const sma = store.createSipMediaApplication(region, {
        AwsRegion: requiredString(body, 'AwsRegion'),
        Name: requiredString(body, 'Name'),
        Endpoints: endpoints(requiredObjectList(body, 'Endpoints')),
        ...(tags === undefined ? {} : { Tags: tags }),
      });
      return ok(201, { SipMediaApplication: sma });
    }),
    route('GET', '/sip-media-applications/{}', async ({ labels, region }) =>
      ok(200, { SipMediaApplication: store.getSipMediaApplication(region, label(labels, 0)) }),
    ),
    route('GET', '/sip-media-applications', async ({ query, region }) => {
      const page = store.listSipMediaApplications(region, pageQuery(query));
      return ok(200, { SipMediaApplications: page.items, NextToken: page.nextToken });
    }),
    route('PUT', '/sip-media-applications/{}', async ({ req, labels, region }) => {
      const body = await readJsonBody(req);
      const list = optionalObjectList(body, 'Endpoints');
      const sma = store.updateSipMediaApplication(region, label(labels, 0), {
        Name: optionalString(body, 'Name'),
        ...(list === undefined ? {} : { Endpoints: endpoints(list) }),
      });
      return ok(200, { SipMediaApplication: sma });
    }),
    route('DELETE', '/sip-media-applications/{}', async ({ labels, region }) => {
      store.deleteSipMediaApplication(region, label(labels, 0));
      return ok(204);
    }),
    route('POST', '/sip-rules', async ({ req }) => {
      const body = await readJsonBody(req);
      const rule = store.createSipRule({
        Name: requiredString(body, 'Name'),
        TriggerType: requiredString(body, 'TriggerType'),
        TriggerValue: requiredString(body, 'TriggerValue'),
        Disabled: optionalBoolean(body, 'Disabled'),
        TargetApplications: targetApplications(requiredObjectList(body, 'TargetApplications')),
      });
      return ok(201, { SipRule: rule });
    }),
    route('GET', '/sip-rules/{}', async ({ labels }) =>
      ok(200, { SipRule: store.getSipRule(label(labels, 0)) }),
    ),
    route('GET', '/sip-rules', async ({ query }) => {
      const page = store.listSipRules({
        sipMediaApplicationId: queryText(query, 'sip-media-application'),
        ...pageQuery(query),
      });
      return ok(200, { SipRules: page.items, NextToken: page.nextToken });
    }),
    route('PUT', '/sip-rules/{}', async ({ req, labels }) => {
      const body = await readJsonBody(req);
      const targets = optionalObjectList(body, 'TargetApplications');
      const rule = store.updateSipRule(label(labels, 0), {
        Name: requiredString(body, 'Name'),
        Disabled: optionalBoolean(body, 'Disabled'),
        ...(targets === undefined ? {} : { TargetApplications: targetApplications(targets) }),
      });
      return ok(202, { SipRule: rule });
    }),
    route('DELETE', '/sip-rules/{}', async ({ labels }) => {
      store.deleteSipRule(label(labels, 0));
      return ok(204);
    }),
    route('POST', '/sip-media-applications/{}/calls', async ({ req, labels, region }) => {
      const body = await readJsonBody(req);
      const sipMediaApplicationId = label(labels, 0);
      const input = outboundCallInput(body);
      if (store.sipMediaApplication(region, sipMediaApplicationId) === undefined)
        throw badRequest(`SipMediaApplicationId ${sipMediaApplicationId} does not exist in ${region}`);
      if (!store.ownsNumber(input.fromPhoneNumber))
        throw badRequest(`FromPhoneNumber ${input.fromPhoneNumber} is not in this account's phone numbers`);
      const invocation = req.headers['amz-sdk-invocation-id'];
      const retried = typeof invocation === 'string' ? placedCalls.get(invocation) : undefined;
      const transactionId =
        retried ?? calls.createOutboundCall({ region, sipMediaApplicationId, ...input }).transactionId;
      if (typeof invocation === 'string') remember(placedCalls, invocation, transactionId);
      return ok(201, { SipMediaApplicationCall: { TransactionId: transactionId } });
    }),
    route('POST', '/sip-media-applications/{}/calls/{}', async ({ req, labels, region }) => {
      const body = await readJsonBody(req);
      const sipMediaApplicationId = label(labels, 0);
      const transactionId = label(labels, 1);
      const args = optionalStringMap(body, 'Arguments');
      if (args === undefined) throw badRequest('Arguments is required');
      checkEntryCount(args, 'Arguments');
      if (store.sipMediaApplication(region, sipMediaApplicationId) === undefined)
        throw notFound(`SIP media application ${sipMediaApplicationId} not found in ${region}`);
      calls.updateCall({ region, sipMediaApplicationId, transactionId, arguments: args });
      return ok(202, { SipMediaApplicationCall: { TransactionId: transactionId } });
    }),
  ];
}

function remember(placed: Map<string, string>, invocation: string, transactionId: string): void {
  placed.set(invocation, transactionId);
  const oldest = placed.keys().next().value;
  if (placed.size > REMEMBERED_INVOCATIONS && oldest !== undefined) placed.delete(oldest);
}

// --------------------------------------------------------------------------- calls: body validation

function outboundCallInput(body: Record<string, unknown>): {
  fromPhoneNumber: string;
  toPhoneNumber: string;
  sipHeaders?: Record<string, string>;
  argumentsMap?: Record<string, string>;
} {
  const fromPhoneNumber = e164Field(body, 'FromPhoneNumber');
  const toPhoneNumber = e164Field(body, 'ToPhoneNumber');
  const sipHeaders = optionalStringMap(body, 'SipHeaders');
  if (sipHeaders !== undefined) checkSipHeaders(sipHeaders);
  const argumentsMap = optionalStringMap(body, 'ArgumentsMap');
  if (argumentsMap !== undefined) checkEntryCount(argumentsMap, 'ArgumentsMap');
  return {
    fromPhoneNumber,
    toPhoneNumber,
    ...(sipHeaders === undefined ? {} : { sipHeaders }),
    ...(argumentsMap === undefined ? {} : { argumentsMap }),
  };
}

function e164Field(body: Record<string, unknown>, field: string): string {
  const value = requiredString(body, field);
  if (!E164.test(value))
    throw badRequest(`${field} must be an E.164 number (^\\+?[1-9]\\d{1,14}$): ${value}`);
  return value;
}

/** Custom headers only (`x-…`), plus User-to-User and Diversion; X-AMZN… is the service's own. */
function checkSipHeaders(headers: Record<string, string>): void {
  checkEntryCount(headers, 'SipHeaders');
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amzn')) throw badRequest(`SipHeaders: ${name} is reserved (X-AMZN…)`);
    if (!lower.startsWith('x-') && lower !== 'user-to-user' && lower !== 'diversion')
      throw badRequest(`SipHeaders: ${name} is not allowed; use x-…, User-to-User or Diversion`);
    if (value.length > MAX_SIP_HEADER_VALUE)
      throw badRequest(`SipHeaders: the value of ${name} exceeds ${MAX_SIP_HEADER_VALUE} characters`);
  }
}

function checkEntryCount(map: Record<string, string>, field: string): void {
  if (Object.keys(map).length > MAX_CALL_MAP_ENTRIES)
    throw badRequest(`${field} has more than ${MAX_CALL_MAP_ENTRIES} entries`);
}

// ------------------------------------------------------------------------- member and query readers

function endpoints(list: Record<string, unknown>[]): { LambdaArn: string }[] {
  return list.map((endpoint, i) => ({
    LambdaArn: requiredString(endpoint, 'LambdaArn', `Endpoints[${i}].`),
  }));
}

function targetApplications(list: Record<string, unknown>[]): SipRuleTargetApplication[] {
  return list.map((target, i) => {
    const prefix = `TargetApplications[${i}].`;
    const priority = target.Priority;
    if (typeof priority !== 'number') throw badRequest(`${prefix}Priority is required and must be a number`);
    return {
      SipMediaApplicationId: requiredString(target, 'SipMediaApplicationId', prefix),
      Priority: priority,
      AwsRegion: requiredString(target, 'AwsRegion', prefix),
    };
  });
}
