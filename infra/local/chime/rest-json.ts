/**
 * AWS restJson1 on the wire, as the official Chime SDK Voice client reads it (spec §5.1): JSON replies,
 * typed errors, ISO-8601 timestamps, request bodies, the SigV4 region of a request, and list paging.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The exceptions of the chime-sdk-voice model, with the HTTP status each is sent with. */
const EXCEPTION_STATUS = {
  BadRequestException: 400,
  ResourceLimitExceededException: 400,
  UnauthorizedClientException: 401,
  ForbiddenException: 403,
  AccessDeniedException: 403,
  NotFoundException: 404,
  UnknownOperationException: 404,
  ConflictException: 409,
  GoneException: 410,
  UnprocessableEntityException: 422,
  ThrottledClientException: 429,
  ServiceFailureException: 500,
  ServiceUnavailableException: 503,
} as const;

export type ExceptionName = keyof typeof EXCEPTION_STATUS;

/** A failure the API reports to the client: the SDK raises `exception`, with `code` in its `Code`. */
export class ChimeApiError extends Error {
  override readonly name = 'ChimeApiError';

  constructor(
    readonly exception: ExceptionName,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return EXCEPTION_STATUS[this.exception];
  }
}

export const badRequest = (message: string) =>
  new ChimeApiError('BadRequestException', 'BadRequest', message);
export const notFound = (message: string) => new ChimeApiError('NotFoundException', 'NotFound', message);
export const conflict = (message: string, code: 'Conflict' | 'PhoneNumberAssociationsExist' = 'Conflict') =>
  new ChimeApiError('ConflictException', code, message);
export const forbidden = (message: string) => new ChimeApiError('ForbiddenException', 'Forbidden', message);
export const resourceLimitExceeded = (message: string) =>
  new ChimeApiError('ResourceLimitExceededException', 'ResourceLimitExceeded', message);
export const throttled = (message: string) =>
  new ChimeApiError('ThrottledClientException', 'Throttled', message);
export const serviceFailure = (message: string) =>
  new ChimeApiError('ServiceFailureException', 'ServiceFailure', message);
export const unknownOperation = (method: string, path: string) =>
  new ChimeApiError('UnknownOperationException', 'UnknownOperation', `No operation for ${method} ${path}`);

/** Responses carry a request id the way AWS does; the SDK puts it in `$metadata.requestId`. */
export function sendJson(res: ServerResponse, status: number, requestId: string, body?: unknown): void {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  headers['content-type'] = 'application/json';
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/** Without the `x-amzn-errortype` header the SDK names the error after `Code` and loses its type. */
export function sendError(res: ServerResponse, requestId: string, error: ChimeApiError): void {
  res
    .writeHead(error.status, {
      'content-type': 'application/json',
      'x-amzn-errortype': error.exception,
      'x-amzn-requestid': requestId,
    })
    .end(JSON.stringify({ Code: error.code, Message: error.message }));
}

/** Epoch numbers make the JS SDK throw while deserialising; it wants ISO-8601 strings. */
export function isoTimestamp(time: Date | number): string {
  return new Date(time).toISOString();
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The JSON object of a request body; an empty body is an empty object (restJson1 omits bodies whose
 * members are all absent).
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit, so the client receives the 400 instead of a reset connection.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBytes) throw badRequest(`Request body exceeds ${maxBytes} bytes`);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
  if (!isJsonObject(parsed)) throw badRequest('Request body must be a JSON object');
  return parsed;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The region the client signed for: the third part of the SigV4 credential scope
 * (`Credential=AKID/20260101/us-west-2/chime/aws4_request`); the fallback when absent or malformed.
 */
export function requestRegion(req: IncomingMessage, fallback: string): string {
  const credential = /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1];
  const scope = credential?.split('/') ?? [];
  // Counted from the end: the scope is always <date>/<region>/<service>/aws4_request.
  const region = scope.length >= 5 ? scope[scope.length - 3] : undefined;
  return region !== undefined && REGION.test(region) ? region : fallback;
}

/** A `max-results` checked against the operation's range (1..limit); absent means `fallback`. */
export function pageSize(maxResults: number | undefined, limit: number, fallback = limit): number {
  if (maxResults === undefined) return fallback;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limit)
    throw badRequest(`MaxResults must be an integer from 1 to ${limit}`);
  return maxResults;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * One page of a list sorted ascending by `keyOf`. The token names the last key handed out, so a page
 * stays correct when items before it are added or removed between calls.
 */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): Page<T> {
  const after = nextToken === undefined ? undefined : decodeToken(nextToken);
  const remaining = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  const items = remaining.slice(0, maxResults);
  const last = items[items.length - 1];
  return remaining.length > maxResults && last !== undefined
    ? { items, nextToken: Buffer.from(keyOf(last), 'utf8').toString('base64url') }
    : { items };
}

function decodeToken(token: string): string {
  const key = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (key === '') throw badRequest('NextToken is not valid');
  return key;
}

// ------------------------------------------------------------------------------------------ routes

export interface Request {
  readonly req: IncomingMessage;
  readonly region: string;
  /** The decoded path labels, in path order. */
  readonly labels: readonly string[];
  readonly query: URLSearchParams;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

export interface Route {
  readonly method: string;
  /** Path segments; `{}` is a label. */
  readonly segments: readonly string[];
  /** Query parts fixed by the operation's URI (e.g. `type=phone-numbers`). */
  readonly fixedQuery?: Readonly<Record<string, string>>;
  readonly run: (request: Request) => Promise<Reply>;
}

export function route(
  method: string,
  path: string,
  run: Route['run'],
  fixedQuery?: Record<string, string>,
): Route {
  return {
    method,
    segments: path.split('/').slice(1),
    run,
    ...(fixedQuery === undefined ? {} : { fixedQuery }),
  };
}

export function ok(status: number, body?: unknown): Reply {
  return body === undefined ? { status } : { status, body };
}

export function label(labels: readonly string[], index: number): string {
  return labels[index] ?? '';
}

// ------------------------------------------------------------------------- member and query readers

export function optionalString(
  body: Record<string, unknown>,
  field: string,
  prefix = '',
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${prefix}${field} must be a string`);
  return value;
}

export function requiredString(body: Record<string, unknown>, field: string, prefix = ''): string {
  const value = optionalString(body, field, prefix);
  if (value === undefined || value.trim() === '') throw badRequest(`${prefix}${field} is required`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be true or false`);
  return value;
}

export function requiredStringList(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) throw badRequest(`${field} is required`);
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string'))
    throw badRequest(`${field} must be a list of strings`);
  return value;
}

export function optionalObjectList(
  body: Record<string, unknown>,
  field: string,
): Record<string, unknown>[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isJsonObject))
    throw badRequest(`${field} must be a list of objects`);
  return value;
}

export function requiredObjectList(body: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const list = optionalObjectList(body, field);
  if (list === undefined) throw badRequest(`${field} is required`);
  return list;
}

export function optionalStringMap(
  body: Record<string, unknown>,
  field: string,
): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value) || !Object.values(value).every((v) => typeof v === 'string'))
    throw badRequest(`${field} must be a map of strings to strings`);
  return { ...(value as Record<string, string>) };
}

export function queryText(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

export function queryInteger(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^-?\d+$/.test(text)) throw badRequest(`${name} must be an integer`);
  return Number(text);
}

export function pageQuery(query: URLSearchParams): { maxResults?: number; nextToken?: string } {
  const maxResults = queryInteger(query, 'max-results');
  const nextToken = queryText(query, 'next-token');
  return {
    ...(maxResults === undefined ? {} : { maxResults }),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
}
