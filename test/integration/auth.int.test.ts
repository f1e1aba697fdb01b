/**
 * Authentication of the HTTP API. First against the local cloud of the test harness: its issuer under
 * /_auth, the gateway's JWT authoriser and GET /api/v1/me. Then the same gateway, issuer and authoriser
 * modules in this process on a clock the test moves, with a handler that records every invocation, for
 * the cases that need a token genuinely signed by the issuer's key (wrong audience, expired, not yet
 * valid), which only a test holding that key can make.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRouteDefinition } from '../../functions/routes.ts';
import { HttpApiGateway } from '../../infra/local/http-api-gateway.ts';
import {
  decodeJwt,
  generateSigningKey,
  type SigningKey,
  signingKeyFromJwk,
  signJwt,
} from '../../infra/local/jwt.ts';
import { JwtAuthorizer } from '../../infra/local/jwt-authorizer.ts';
import { LOCAL_AUDIENCE, type LocalIssuer, startLocalIssuer } from '../../infra/local/local-issuer.ts';
import { callerIdentity } from '../../layers/adapters/caller-identity.ts';
import { recordedEvents } from '../fixtures/auth/record-event.ts';
import { postJson, randomTenantId, signIn } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A gateway refusal: 401 {"message":"Unauthorized"} and nothing from a handler (no requestId, no error). */
async function expectRefused(response: Response, reason: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ message: 'Unauthorized' });
  expect(response.headers.get('www-authenticate')).toMatch(reason);
}

describe('authentication on the local cloud', () => {
  const { webUrl } = localCloud();
  const me = (authorization?: string) =>
    fetch(`${webUrl}/api/v1/me`, { headers: authorization === undefined ? {} : { authorization } });

  it('publishes its discovery document and public key set, and reports itself in GET /health', async () => {
    const discovery = (await (await fetch(`${webUrl}/_auth/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.issuer).toBe(`${webUrl}/_auth`);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    // Only the public half: no private exponent or primes.
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);

    const health = (await (await fetch(`${webUrl}/health`)).json()) as {
      services: Record<string, Record<string, unknown>>;
    };
    expect(health.services.auth).toMatchObject({
      status: 'up',
      issuer: `${webUrl}/_auth`,
      audience: LOCAL_AUDIENCE,
    });
  });

  it('answers a valid ID token with the caller taken from its claims: tenant, user, email, groups', async () => {
    const tenant = randomTenantId('auth');
    const user = await signIn(webUrl, { tenantId: tenant, groups: ['agent', 'admin'] });
    const response = await me(user.authorization);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      tenantId: tenant,
      userId: user.userId,
      email: user.email,
      groups: ['admin', 'agent'],
    });
    // API Gateway also takes the token without the Bearer prefix.
    expect((await me(user.idToken)).status).toBe(200);
  });

  it('refuses a request without a token, or with something that is not a JWT, before any handler runs', async () => {
    await expectRefused(await me(), /the token is missing/);
    await expectRefused(await me('Bearer '), /the token is missing/);
    await expectRefused(await me('Bearer not-a-jwt'), /malformed/);
    await expectRefused(await me('Basic dXNlcjpwYXNz'), /malformed/);
  });

  it('refuses forged tokens: another key, a tampered payload, another algorithm', async () => {
    const user = await signIn(webUrl, { tenantId: randomTenantId('auth'), groups: ['agent'] });
    const genuine = decodeJwt(user.idToken);
    const kid = genuine.header.kid as string;
    const other: SigningKey = await generateSigningKey();

    // Same claims and the issuer's kid, signed by another key.
    await expectRefused(
      await me(`Bearer ${signJwt(genuine.payload, { ...other, kid })}`),
      /signature is invalid/,
    );
    // Signed by another key under its own kid: no such key at the issuer.
    await expectRefused(await me(`Bearer ${signJwt(genuine.payload, other)}`), /signing key .* not found/);

    // The genuine signature over a payload changed to another tenant and group.
    const [header, , signature] = user.idToken.split('.');
    const tampered = b64({ ...genuine.payload, 'custom:tenant_id': 'victim-1', 'cognito:groups': ['admin'] });
    const response = await me(`Bearer ${header}.${tampered}.${signature}`);
    await expectRefused(response, /signature is invalid/);

    // alg none and HS256 are refused whatever the signature.
    await expectRefused(
      await me(`Bearer ${b64({ alg: 'none', kid })}.${tampered}.AA`),
      /not signed with RS256/,
    );
    await expectRefused(await me(`Bearer ${b64({ alg: 'HS256', kid })}.${tampered}.${signature}`), /RS256/);
  });

  it('signs in with the right password only, saying the same for a wrong password and an unknown email', async () => {
    const user = await signIn(webUrl, { tenantId: randomTenantId('auth') });
    const wrongPassword = await postJson(`${webUrl}/_auth/token`, {
      email: user.email,
      password: 'Wr0ng!pass',
    });
    const unknownEmail = await postJson(`${webUrl}/_auth/token`, {
      email: `nobody-${user.userId}@example.com`,
      password: user.password,
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual({ message: 'Incorrect email or password' });
    expect(unknownEmail.body).toEqual(wrongPassword.body);

    const malformed = await postJson(`${webUrl}/_auth/token`, { email: user.email });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      problems: [{ path: 'password', message: 'password is required' }],
    });
    const notJson = await postJson(`${webUrl}/_auth/token`, '{"email":');
    expect(notJson.status).toBe(400);
  });

  it('answers bad user input with 400 listing every problem, creates nothing, and refuses a taken email', async () => {
    const email = `bad-${randomTenantId()}@example.com`;
    const bad = await postJson(`${webUrl}/_auth/users`, {
      email: 'not-an-email',
      password: 'short',
      tenantId: 'Not_A_Tenant',
      groups: ['agent', 'root'],
      isAdmin: true,
    });
    expect(bad.status).toBe(400);
    const problems = (bad.body as { problems: { path: string; message: string }[] }).problems;
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['isAdmin', 'email', 'password', 'tenantId', 'groups.1']),
    );
    expect(problems.filter((p) => p.path === 'password').map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/at least 8/), expect.stringMatching(/uppercase/)]),
    );
    const weak = await postJson(`${webUrl}/_auth/users`, {
      email,
      password: 'alllowercase',
      tenantId: 'acme-1',
      groups: ['agent'],
    });
    expect(weak.status).toBe(400);
    expect((await postJson(`${webUrl}/_auth/token`, { email, password: 'alllowercase' })).status).toBe(401);

    const user = await signIn(webUrl, { tenantId: randomTenantId('auth') });
    const taken = await postJson(`${webUrl}/_auth/users`, {
      email: user.email.toUpperCase(),
      password: 'An0ther!pass',
      tenantId: randomTenantId('auth'),
      groups: ['admin'],
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ message: 'a user with this email already exists' });
    expect(
      (await postJson(`${webUrl}/_auth/token`, { email: user.email, password: 'An0ther!pass' })).status,
    ).toBe(401);
  });
});

describe('the JWT authoriser of the local gateway, on a controlled clock', () => {
  const routes: HttpRouteDefinition[] = [
    { routeKey: 'GET /api/v1/recorded', module: 'record-event.ts', auth: 'jwt' },
  ];
  const dataDir = mkdtempSync(join(tmpdir(), 'openline-auth-int-'));
  let clock = Date.UTC(2026, 10, 24, 9, 0, 0);
  let server: Server;
  let base: string;
  let issuer: LocalIssuer;
  /** The issuer's own key, read from its data folder: tokens signed by it pass the signature check. */
  let trustedKey: SigningKey;
  let genuine: Record<string, unknown>;

  beforeAll(async () => {
    let gateway: HttpApiGateway | undefined;
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = issuer?.owns(url.pathname)
        ? issuer.handle(req, res, url)
        : gateway?.handle(req, res, url);
      void route?.catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    issuer = await startLocalIssuer({ issuer: `${base}/_auth`, dataDir, now: () => clock });
    const authorizer = new JwtAuthorizer(
      { issuer: issuer.issuer, audience: [LOCAL_AUDIENCE] },
      { now: () => clock },
    );
    gateway = new HttpApiGateway(
      routes,
      new URL('../fixtures/auth/', import.meta.url),
      'us-east-1',
      authorizer,
    );
    trustedKey = signingKeyFromJwk(
      JSON.parse(readFileSync(join(dataDir, 'signing-key.json'), 'utf8')).privateJwk,
    );
    await issuer.createUser({
      email: 'eve@example.com',
      password: 'Secr3t!pass',
      tenantId: 'acme-1',
      groups: ['agent', 'admin'],
    });
    genuine = decodeJwt((await issuer.signIn('eve@example.com', 'Secr3t!pass'))?.idToken ?? '').payload;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (token: string) => {
    const before = recordedEvents().length;
    const response = await fetch(`${base}/api/v1/recorded`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { response, invoked: recordedEvents().length > before };
  };

  it('hands the handler the claims as API Gateway does: strings, groups as [admin agent], scopes null', async () => {
    const token = signJwt(genuine, trustedKey);
    const { response, invoked } = await call(token);
    expect(response.status).toBe(200);
    expect(invoked).toBe(true);
    const event = recordedEvents().at(-1);
    if (event === undefined) throw new Error('the handler recorded no event');
    const context = event.requestContext as unknown as {
      authorizer: { jwt: { claims: object; scopes: unknown } };
    };
    const jwt = context.authorizer.jwt;
    expect(jwt.scopes).toBeNull();
    expect(jwt.claims).toMatchObject({
      'cognito:groups': '[admin agent]',
      'custom:tenant_id': 'acme-1',
      token_use: 'id',
      email_verified: 'true',
      exp: String(genuine.exp),
    });
    expect(Object.values(jwt.claims).every((v) => typeof v === 'string')).toBe(true);
    // The handlers' one code path reads this form.
    expect(callerIdentity(event)).toMatchObject({
      tenantId: 'acme-1',
      groups: ['admin', 'agent'],
    });
  });

  it('refuses a genuinely signed token that fails a claim check, without invoking the handler', async () => {
    const now = clock / 1000;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['another audience', { aud: 'another-app-client' }, /valid audience/],
      [
        'client_id is not read when aud is present',
        { aud: 'other', client_id: LOCAL_AUDIENCE },
        /valid audience/,
      ],
      ['another issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x' }, /valid issuer/],
      ['expired beyond the clock skew', { iat: now - 7200, exp: now - 60 }, /expired/],
      ['no exp', { exp: undefined }, /expired/],
      ['not valid yet', { nbf: now + 600 }, /not valid yet/],
      ['issued in the future', { iat: now + 600, exp: now + 4200 }, /issued in the future/],
      ['an access token', { token_use: 'access' }, /not an ID token/],
    ];
    for (const [name, change, reason] of cases) {
      const { response, invoked } = await call(signJwt({ ...genuine, ...change }, trustedKey));
      await expectRefused(response, reason);
      expect(invoked, name).toBe(false);
    }
  });

  it('accepts a token just past exp within the clock skew, and refuses it once the hour and the skew are over', async () => {
    const token = (await issuer.signIn('eve@example.com', 'Secr3t!pass'))?.idToken ?? '';
    const start = clock;
    try {
      clock = start + 3600_000 + 10_000;
      expect((await call(token)).response.status).toBe(200);
      clock = start + 3600_000 + 31_000;
      const { response, invoked } = await call(token);
      await expectRefused(response, /expired/);
      expect(invoked).toBe(false);
    } finally {
      clock = start;
    }
  });

  it('accepts aud as an array, and client_id when there is no aud, as API Gateway does', async () => {
    expect(
      (await call(signJwt({ ...genuine, aud: ['x', LOCAL_AUDIENCE] }, trustedKey))).response.status,
    ).toBe(200);
    expect(
      (await call(signJwt({ ...genuine, aud: undefined, client_id: LOCAL_AUDIENCE }, trustedKey))).response
        .status,
    ).toBe(200);
  });
});
