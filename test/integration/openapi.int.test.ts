/**
 * The OpenAPI document the gateway serves: a valid OpenAPI 3.1 document that describes exactly the routes
 * the local gateway serves (the route table), with sign-in required where the route requires it.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { securityOf } from '../../functions/api/openapi-document.ts';
import { httpRoutes } from '../../functions/routes.ts';
import { localCloud } from '../support/local-cloud.ts';

const { webUrl } = localCloud();

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and matches the routes the gateway serves, operation for operation', async () => {
    const response = await fetch(`${webUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[]; requestBody?: unknown }>>;
    };
    const validation = await new Validator().validate(document);
    expect(validation.errors ?? [], JSON.stringify(validation.errors)).toEqual([]);
    expect(validation.valid).toBe(true);

    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(httpRoutes.map((r) => r.routeKey).sort());
    for (const route of httpRoutes) {
      const [method, path] = route.routeKey.split(' ') as [string, string];
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation?.security, route.routeKey).toEqual(securityOf(route));
      if (route.auth === 'jwt-or-key') expect(route.scope, route.routeKey).toBeDefined();
    }
    // Each documented route is one the gateway serves: without a token a signed-in route answers 401 (an
    // unknown route would be 404), an open one answers (with a 400 for an empty sign-up: the route's own).
    for (const route of httpRoutes) {
      const [method, path] = route.routeKey.split(' ') as [string, string];
      const answer = await fetch(`${webUrl}${path.replace(/\{\w+\}/g, 'x')}`, { method });
      if (route.auth !== 'none') expect(answer.status, route.routeKey).toBe(401);
      else {
        expect([200, 400], route.routeKey).toContain(answer.status);
        expect(answer.headers.get('content-type'), route.routeKey).toMatch(/^application\/json/);
        if (answer.status === 400)
          expect((await answer.json()).error, route.routeKey).toBe('ValidationError');
      }
    }
  });
});
