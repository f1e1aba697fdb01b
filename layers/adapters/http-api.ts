/**
 * The one middleware stack for HTTP API (API Gateway v2) handlers: parse, call one domain function, map the
 * result. Typed Openline errors become their 4xx with a safe message; anything else is logged and becomes a
 * generic 500, so no internal detail leaks to a client.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { OpenlineError, TooManyRequestsError, ValidationError } from '../domain/errors.ts';
import { logger } from './logger.ts';
import { tenantRateLimit } from './tenant-rate-limit.ts';

export type HttpResult = { status: number; body: unknown; headers?: Record<string, string> };
export type HttpRoute = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

export function errorResponse(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  // Server-side errors show their message only when they say it is safe (a report that ran too long).
  if (error instanceof OpenlineError && error.expose) {
    const problems = error instanceof ValidationError ? error.problems : undefined;
    const headers: Record<string, string> =
      error instanceof TooManyRequestsError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    return json(error.status, { error: error.name, message: error.message, problems, requestId }, headers);
  }
  logger().error('request failed', { requestId, error: error as Error });
  return json(500, { error: 'InternalError', message: 'Internal error', requestId });
}

export function httpHandler(route: HttpRoute) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(
    async (event, context) => {
      const requestId = event.requestContext.requestId;
      try {
        // A signed-in request counts against its tenant's rate (a noisy tenant cannot crowd out the others).
        await tenantRateLimit(event);
        const result = await route(event, context);
        return json(result.status, result.body, result.headers);
      } catch (error) {
        return errorResponse(error, requestId);
      }
    },
  );
}

/** Parses a JSON body, or fails with a 400 that says what is wrong. */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === '')
    throw new ValidationError('the request needs a JSON body');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('the request body is not valid JSON');
  }
}

/** A JSON body for routes where it is optional: none (or an empty one) reads as `{}`. */
export function optionalJsonBody(event: APIGatewayProxyEventV2): unknown {
  return event.body === undefined || event.body === '' ? {} : jsonBody(event);
}
