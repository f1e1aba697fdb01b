/**
 * The web app's sign-in as deployed on AWS (functions/auth/sign-in.ts, Cognito's USER_PASSWORD_AUTH and
 * NEW_PASSWORD_REQUIRED through the official client), run against the local user pool: it must answer as
 * the local issuer's own /_auth/token and /_auth/password do, since the same web app uses both.
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeAll, expect, it } from 'vitest';
import { handler } from '../../functions/auth/sign-in.ts';
import { decodeJwt } from '../../infra/local/jwt.ts';
import { postJson, randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';

let user: TestUser;

beforeAll(async () => {
  const cloud = localCloud();
  // This process plays the function's Lambda environment (the config module reads it).
  Object.assign(process.env, cloud.env);
  user = await signIn(cloud.webUrl, { tenantId: randomTenantId('signin') });
});

async function call(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const event = {
    rawPath: path,
    routeKey: `POST ${path}`,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    headers: {},
    requestContext: { requestId: `test-${Math.random()}` },
  } as unknown as APIGatewayProxyEventV2;
  const result = (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: JSON.parse(String(result.body)) };
}

it('signs a user in with the ID token the local issuer would give, and refuses wrong credentials alike', async () => {
  const ok = await call('/_auth/token', { email: user.email, password: user.password });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ expiresIn: 3600, tokenType: 'Bearer' });
  const claims = decodeJwt(String(ok.body.idToken)).payload;
  expect(claims).toMatchObject({ sub: user.userId, email: user.email, 'custom:tenant_id': user.tenantId });
  const local = await postJson(`${localCloud().webUrl}/_auth/token`, {
    email: user.email,
    password: 'Wr0ng!pass',
  });
  for (const attempt of [
    { email: user.email, password: 'Wr0ng!pass' },
    { email: 'nobody@example.com', password: user.password },
  ]) {
    const refused = await call('/_auth/token', attempt);
    expect(refused).toEqual({ status: local.status, body: local.body });
  }
  const incomplete = await call('/_auth/token', { email: user.email });
  expect(incomplete.status).toBe(400);
});

it('takes an invited user through the new-password challenge, then signs it in with its own password', async () => {
  const cloud = localCloud();
  const email = `invited-${Date.now()}@example.com`;
  const cognito = new CognitoIdentityProviderClient({
    region: cloud.config.region,
    endpoint: cloud.config.endpoints.cognitoIdentityProvider,
  });
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: cloud.config.userPoolId,
      Username: email,
      TemporaryPassword: 'Temp0rary!pass',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'custom:tenant_id', Value: user.tenantId },
      ],
    }),
  );
  cognito.destroy();
  const first = await call('/_auth/token', { email, password: 'Temp0rary!pass' });
  expect(first).toEqual({
    status: 401,
    body: { message: 'Choose a new password to finish signing in', challenge: 'NEW_PASSWORD_REQUIRED' },
  });
  const weak = await call('/_auth/password', { email, password: 'Temp0rary!pass', newPassword: 'short' });
  expect(weak.status).toBe(400);
  const wrongTemporary = await call('/_auth/password', {
    email,
    password: 'Nope!1234',
    newPassword: 'Mine!pass123',
  });
  expect(wrongTemporary).toEqual({ status: 401, body: { message: 'Incorrect email or temporary password' } });
  const chosen = await call('/_auth/password', {
    email,
    password: 'Temp0rary!pass',
    newPassword: 'Mine!pass123',
  });
  expect(chosen.status).toBe(200);
  expect((await call('/_auth/token', { email, password: 'Mine!pass123' })).status).toBe(200);
  // Once chosen, the temporary password no longer signs in.
  expect((await call('/_auth/token', { email, password: 'Temp0rary!pass' })).status).toBe(401);
});
