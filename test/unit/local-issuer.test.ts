/** The local issuer without a server: token shape, credentials, validation, and persistence in a folder. */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeJwt,
  generateSigningKey,
  signingKeyFromJwk,
  signJwt,
  verifyRs256,
} from '../../infra/local/jwt.ts';
import { apiGatewayClaims } from '../../infra/local/jwt-authorizer.ts';
import { LOCAL_AUDIENCE, startLocalIssuer } from '../../infra/local/local-issuer.ts';
import { ConflictError, ValidationError } from '../../layers/domain/errors.ts';

const issuer = 'http://127.0.0.1:3999/_auth';
const password = 'Secr3t!pass';
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('local issuer', () => {
  it('issues a Cognito-shaped ID token, valid for one hour, signed by its published key', async () => {
    const now = Date.UTC(2026, 10, 24, 9, 0, 0);
    const pool = await startLocalIssuer({ issuer, now: () => now });
    const user = await pool.createUser({
      email: 'Ada@Example.com',
      password,
      tenantId: 'acme-1',
      groups: ['agent', 'admin'],
    });
    const token = await pool.signIn('ada@example.com', password);
    expect(token).toMatchObject({ expiresIn: 3600, tokenType: 'Bearer' });
    const jwt = decodeJwt(token?.idToken ?? '');
    expect(jwt.header).toEqual({ kid: expect.any(String), alg: 'RS256' });
    expect(jwt.payload).toMatchObject({
      iss: issuer,
      aud: LOCAL_AUDIENCE,
      sub: user.userId,
      email: 'ada@example.com',
      token_use: 'id',
      'custom:tenant_id': 'acme-1',
      'cognito:groups': ['admin', 'agent'],
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
    expect(pool.health()).toMatchObject({ status: 'up', issuer, audience: LOCAL_AUDIENCE, users: 1 });
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const pool = await startLocalIssuer({ issuer });
    await pool.createUser({ email: 'bo@example.com', password, tenantId: 'acme-1', groups: ['agent'] });
    expect(await pool.signIn('bo@example.com', 'Secr3t!pasS')).toBeUndefined();
    expect(await pool.signIn('nobody@example.com', password)).toBeUndefined();
    expect(await pool.signIn(' BO@example.com ', password)).toBeDefined();
  });

  it('lists every problem of a new user at once, and refuses a taken email', async () => {
    const pool = await startLocalIssuer({ issuer });
    const error = await pool
      .createUser({ email: 'x', password: 'abc', tenantId: 'No', groups: ['root'], role: 'admin' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['role', 'email', 'password', 'tenantId', 'groups.0']));
    expect(await pool.createUser(undefined).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    expect(
      await pool.createUser({ email: 'a@b.co', password, tenantId: 'acme-1', groups: [] }).catch((e) => e),
    ).toBeInstanceOf(ValidationError);
    await pool.createUser({ email: 'cy@example.com', password, tenantId: 'acme-1', groups: ['agent'] });
    const taken = await pool
      .createUser({ email: 'CY@example.com', password, tenantId: 'other-1', groups: ['admin'] })
      .catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConflictError);
  });

  it('keeps its key and users in the data folder, passwords hashed, so both survive a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'openline-auth-'));
    folders.push(dataDir);
    const first = await startLocalIssuer({ issuer, dataDir });
    await first.createUser({ email: 'di@example.com', password, tenantId: 'acme-1', groups: ['supervisor'] });
    const before = decodeJwt((await first.signIn('di@example.com', password))?.idToken ?? '');

    const second = await startLocalIssuer({ issuer, dataDir });
    const after = decodeJwt((await second.signIn('di@example.com', password))?.idToken ?? '');
    expect(after.header.kid).toBe(before.header.kid);
    expect(after.payload.sub).toBe(before.payload.sub);
    // A token from before the restart still verifies with the key the second run publishes.
    const saved = JSON.parse(readFileSync(join(dataDir, 'signing-key.json'), 'utf8'));
    expect(verifyRs256(before, signingKeyFromJwk(saved.privateJwk).publicJwk)).toBe(true);

    const users = readFileSync(join(dataDir, 'users.json'), 'utf8');
    expect(users).not.toContain(password);
    expect(users).toMatch(/"passwordHash": "scrypt\$/);
    expect(statSync(join(dataDir, 'signing-key.json')).mode & 0o077).toBe(0);
  });
});

describe('JWT signatures and API Gateway claims', () => {
  it('accepts only an RS256 signature by the key, over the bytes as received', async () => {
    const key = await generateSigningKey();
    const other = await generateSigningKey();
    const token = signJwt({ sub: 'u-1', 'custom:tenant_id': 'acme-1' }, key);
    expect(verifyRs256(decodeJwt(token), key.publicJwk)).toBe(true);
    expect(verifyRs256(decodeJwt(token), other.publicJwk)).toBe(false);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u-1', 'custom:tenant_id': 'evil-1' })).toString(
      'base64url',
    );
    expect(verifyRs256(decodeJwt(`${header}.${forged}.${signature}`), key.publicJwk)).toBe(false);
    const hs256 = Buffer.from(JSON.stringify({ alg: 'HS256', kid: key.kid })).toString('base64url');
    expect(verifyRs256(decodeJwt(`${hs256}.${forged}.${signature}`), key.publicJwk)).toBe(false);
    expect(() => decodeJwt('a.b')).toThrow(/three base64url parts/);
    expect(() => decodeJwt(`${header}.${forged}.`)).toThrow();
  });

  it('renders claims as API Gateway does: strings, with arrays as [a b]', () => {
    expect(
      apiGatewayClaims({
        sub: 'u-1',
        exp: 1795487241,
        email_verified: true,
        'cognito:groups': ['admin', 'agent'],
        address: { locality: 'Oslo', country: 'NO' },
        nothing: null,
      }),
    ).toEqual({
      sub: 'u-1',
      exp: '1795487241',
      email_verified: 'true',
      'cognito:groups': '[admin agent]',
      address: 'map[country:NO locality:Oslo]',
    });
  });
});
