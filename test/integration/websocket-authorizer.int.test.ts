/**
 * The Lambda authoriser as the WebSocket API calls it at $connect on AWS (a REQUEST authoriser: the route's
 * ARN, the ID token as `?token=`), run against the local cloud's issuer and tables: an IAM policy that
 * allows a user's connection with the claims as its context, and denies anything else — API keys included.
 */
import { beforeAll, expect, it } from 'vitest';
import { handler, type PolicyResult } from '../../functions/authorizer/handler.ts';
import { randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';

const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:abc123/live/$connect';
let agent: TestUser;

beforeAll(async () => {
  const cloud = localCloud();
  // This process plays the authoriser's Lambda environment: the handler reads it through the config module.
  Object.assign(process.env, cloud.env);
  agent = await signIn(cloud.webUrl, { tenantId: randomTenantId('socket'), groups: ['agent'] });
});

const connect = async (token: string | undefined) =>
  (await handler({
    methodArn,
    queryStringParameters: token === undefined ? null : { token },
  })) as PolicyResult;

it("allows a user's connection on this route, with the token's claims as the connection's context", async () => {
  const answer = await connect(agent.idToken);
  expect(answer.policyDocument.Statement).toEqual([
    { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn },
  ]);
  expect(answer.principalId).toBe(agent.userId);
  expect(answer.context?.sub).toBe(agent.userId);
  expect(answer.context?.['custom:tenant_id']).toBe(agent.tenantId);
});

it('denies a missing, forged or API-key token, and gives it no context', async () => {
  const [header, payload] = agent.idToken.split('.');
  for (const token of [undefined, '', `${header}.${payload}.AAAA`, 'olk_0123456789abcdef0123456789abcdef']) {
    const answer = await connect(token);
    expect(answer.policyDocument.Statement[0]?.Effect, String(token)).toBe('Deny');
    expect(answer.context).toBeUndefined();
  }
});
