/**
 * Self sign-up against the local cloud: the request creates the admin user in the (local) user pool; the
 * sign-up worker creates the tenant with its starter flow and queue, orders a number from the Chime
 * emulator (search → order → wait → SIP rule to both regions' SIP media applications), routes it, and the
 * number answers with the tenant's welcome. Failures leave nothing behind; bad input changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbApiKeys } from '../../layers/adapters/dynamodb-api-keys.ts';
import { DynamoDbExtensions } from '../../layers/adapters/dynamodb-extensions.ts';
import { SIGNUPS_PER_ADDRESS_PER_HOUR } from '../../layers/adapters/dynamodb-signup-jobs.ts';
import { DynamoDbTenantWriter } from '../../layers/adapters/dynamodb-tenant-writer.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { configKeys, liveKeys } from '../../layers/resources/keys.ts';
import { postJson } from '../support/auth.ts';
import { localCloud } from '../support/local-cloud.ts';
import { ScriptedCaller } from '../support/scripted-caller.ts';
import { loopbackAddress, type SignupView, sendFrom, signupBody, waitForSignup } from '../support/signup.ts';

const cloud = localCloud();
const { webUrl } = cloud;
const from = loopbackAddress();
const PASSWORD = 'Sign-up-test-1!';
const email = (name: string) => `${name}-${randomUUID().slice(0, 8)}@signup.test`;

async function signUp(input: {
  companyName: string;
  email: string;
  areaCode?: string;
  numberType?: 'local' | 'toll-free';
}) {
  const reply = await sendFrom(
    from,
    'POST',
    `${webUrl}/api/v1/signups`,
    signupBody({ ...input, password: PASSWORD }),
  );
  if (reply.status !== 202)
    throw new Error(`POST /signups answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body as unknown as SignupView;
}

async function tenantItems(tenant: string) {
  const found = await cloud.clients.documents.send(
    new QueryCommand({
      TableName: cloud.config.tables.config,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': configKeys.tenant(tenantId(tenant)).pk },
    }),
  );
  return found.Items ?? [];
}

describe('self sign-up', () => {
  it('makes the admin, the tenant and a live number that answers with the starter flow', async () => {
    const admin = email('owner');
    const started = Date.now();
    const accepted = await signUp({ companyName: 'Acme Bakery', email: admin, areaCode: '312' });
    expect(accepted).toMatchObject({ state: 'provisioning', step: 'tenant' });
    expect(accepted.tenantId).toMatch(/^acme-bakery-[a-z0-9]{6}$/);
    const live = await waitForSignup(webUrl, from, accepted.signupId);
    const liveAfterMs = Date.now() - started;
    expect(live).toMatchObject({ state: 'live', step: 'activate' });
    expect(live.phoneNumber).toMatch(/^\+1312555\d{4}$/);
    expect(live.progress.map((p) => p.step)).toEqual([
      'account',
      'tenant',
      'number',
      'order',
      'routing',
      'activate',
    ]);

    // The admin signs in to its own tenant, with the admin and supervisor roles, and finds its flow and queue.
    const token = await postJson(`${webUrl}/_auth/token`, { email: admin, password: PASSWORD });
    expect(token.status).toBe(200);
    const authorization = `Bearer ${(token.body as { idToken: string }).idToken}`;
    const me = await (await fetch(`${webUrl}/api/v1/me`, { headers: { authorization } })).json();
    expect(me).toMatchObject({ tenantId: accepted.tenantId, groups: ['admin', 'supervisor'] });
    const flow = await (await fetch(`${webUrl}/api/v1/flows/main`, { headers: { authorization } })).json();
    expect(JSON.stringify(flow)).toContain('Acme Bakery main line');
    const queues = await (await fetch(`${webUrl}/api/v1/queues`, { headers: { authorization } })).json();
    expect(JSON.stringify(queues)).toContain('General');

    // The number's SIP rule reaches call-control, which runs the new tenant's flow.
    const dialledAt = Date.now();
    const call = await ScriptedCaller.dial(live.phoneNumber as string);
    await call.hears(/Welcome to Acme Bakery/);
    const welcomedAfterMs = Date.now() - dialledAt;
    await call.hears(/To speak with us, press 1/);
    call.press('1');
    await call.hears(/Please hold for the next available person/);
    call.hangUp();
    console.log(
      `sign-up: live ${liveAfterMs} ms after the request; welcome heard ${welcomedAfterMs} ms after dialling`,
    );
  });

  it('gives two sign-ups racing for one area code different numbers', async () => {
    const [a, b] = await Promise.all([
      signUp({ companyName: 'Racer One', email: email('one'), areaCode: '312' }),
      signUp({ companyName: 'Racer Two', email: email('two'), areaCode: '312' }),
    ]);
    const [liveA, liveB] = await Promise.all([
      waitForSignup(webUrl, from, a.signupId),
      waitForSignup(webUrl, from, b.signupId),
    ]);
    expect([liveA.state, liveB.state]).toEqual(['live', 'live']);
    expect(liveA.phoneNumber).not.toBe(liveB.phoneNumber);
    for (const live of [liveA, liveB]) {
      const entry = await cloud.clients.documents.send(
        new GetCommand({
          TableName: cloud.config.tables.config,
          Key: configKeys.numberDirectory(live.phoneNumber as string),
        }),
      );
      expect(entry.Item?.tenantId).toBe(live.tenantId);
    }
  });

  it('reports a sign-up no number can serve, leaves nothing behind, and lets the same email sign up again', async () => {
    const admin = email('nowhere');
    const accepted = await signUp({ companyName: 'Portland Pies', email: admin, areaCode: '503' });
    const failed = await waitForSignup(webUrl, from, accepted.signupId);
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe(
      'no local number is available in area code 503: choose another area code or leave it empty',
    );
    expect(await tenantItems(accepted.tenantId)).toEqual([]);
    const job = await cloud.clients.documents.send(
      new GetCommand({ TableName: cloud.config.tables.live, Key: liveKeys.signup(accepted.signupId) }),
    );
    expect(job.Item?.gsi1pk).toBeUndefined(); // off the worker's list
    expect((await postJson(`${webUrl}/_auth/token`, { email: admin, password: PASSWORD })).status).toBe(401);

    const again = await signUp({ companyName: 'Portland Pies', email: admin });
    expect(again.tenantId).not.toBe(accepted.tenantId);
    const retried = await waitForSignup(webUrl, from, again.signupId);
    expect(retried.error).toBeUndefined();
    expect(retried.state).toBe('live');
  });

  it('refuses bad sign-ups with every problem listed, and changes nothing', async () => {
    const admin = email('bad');
    const cases: [unknown, RegExp][] = [
      [{ ...signupBody({ companyName: 'X', email: admin, password: 'short' }) }, /companyName|password/],
      [
        {
          ...signupBody({ companyName: 'Good Name', email: admin, password: PASSWORD }),
          proof: { issuedAt: Date.now(), nonce: 'a' },
        },
        /proof of work does not hold/,
      ],
      [
        { ...signupBody({ companyName: 'Good Name', email: admin, password: PASSWORD }), plan: 'free' },
        /plan/,
      ],
      [
        { ...signupBody({ companyName: 'Good Name', email: admin, password: PASSWORD }), areaCode: '012' },
        /areaCode/,
      ],
      [
        {
          ...signupBody({ companyName: "Robert'); DROP TABLE--", email: 'not-an-email', password: PASSWORD }),
        },
        /email/,
      ],
      [
        { ...signupBody({ companyName: 'a'.repeat(100_000), email: admin, password: PASSWORD }) },
        /companyName/,
      ],
      ['{"companyName": ', /not valid JSON/],
      [[1, 2, 3], /object/],
    ];
    for (const [body, message] of cases) {
      const reply = await sendFrom(from, 'POST', `${webUrl}/api/v1/signups`, body);
      expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(400);
      expect(JSON.stringify(reply.body)).toMatch(message);
      expect(JSON.stringify(reply.body)).not.toContain(PASSWORD);
    }
    // Nothing was made: the email is free, so signing up with it now works.
    expect((await postJson(`${webUrl}/_auth/token`, { email: admin, password: PASSWORD })).status).toBe(401);
    const unknown = await sendFrom(from, 'GET', `${webUrl}/api/v1/signups/${'x'.repeat(24)}`);
    expect(unknown.status).toBe(404);
    expect((await sendFrom(from, 'GET', `${webUrl}/api/v1/signups/..%2F..`)).status).toBe(400);
  });

  it('refuses an email that has an account, and limits the sign-ups of one network per hour', async () => {
    const network = loopbackAddress();
    const taken = 'admin@demo.openline.local';
    const replies = [];
    for (let i = 0; i < SIGNUPS_PER_ADDRESS_PER_HOUR + 2; i++)
      replies.push(
        await sendFrom(
          network,
          'POST',
          `${webUrl}/api/v1/signups`,
          signupBody({ companyName: 'Copycat', email: taken, password: PASSWORD }),
        ),
      );
    expect(replies.slice(0, SIGNUPS_PER_ADDRESS_PER_HOUR).map((r) => r.status)).toEqual(
      Array(SIGNUPS_PER_ADDRESS_PER_HOUR).fill(409),
    );
    expect(replies[0]?.body.message).toBe('an account with this email already exists: sign in instead');
    const limited = replies[SIGNUPS_PER_ADDRESS_PER_HOUR];
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.body.message).toMatch(/too many sign-ups from your network/);
    // Another network is not held back by this one.
    const other = await sendFrom(
      loopbackAddress(),
      'POST',
      `${webUrl}/api/v1/signups`,
      signupBody({ companyName: 'Copycat', email: taken, password: PASSWORD }),
    );
    expect(other.status).toBe(409);
    // The demo admin is untouched.
    expect(
      (await postJson(`${webUrl}/_auth/token`, { email: taken, password: 'Demo-admin-1!' })).status,
    ).toBe(200);
  });

  it('undoes a tenant with everything it made meanwhile: keys, extension codes and number routes', async () => {
    const tenant = tenantId(`undo-${randomUUID().slice(0, 8)}`);
    const writer = new DynamoDbTenantWriter(cloud.clients.documents, cloud.config.tables.config);
    await writer.create(tenant, 'Undo Me', 'undo@signup.test');
    await expect(writer.requireActive(tenant)).rejects.toThrow(/still being set up/);
    const keys = new DynamoDbApiKeys(cloud.clients.documents, cloud.config.tables.config);
    const { key } = await keys.create(tenant, { name: 'early', scopes: ['flows:read'] }, 'undo@signup.test');
    const extensions = new DynamoDbExtensions(cloud.clients.documents, cloud.config.tables.config);
    const access = (await extensions.accessNumber()) as string;
    const { code } = await extensions.claim(tenant, access, 'main');
    await writer.assignNumber(tenant, '+15035550199', [], 'rule-x');

    await writer.remove(tenant, undefined);
    expect(await tenantItems(tenant)).toEqual([]);
    expect(await keys.principal(key)).toBeUndefined();
    expect(await extensions.route(access, code)).toBeUndefined();
    const directory = await cloud.clients.documents.send(
      new GetCommand({
        TableName: cloud.config.tables.config,
        Key: configKeys.numberDirectory('+15035550199'),
      }),
    );
    expect(directory.Item).toBeUndefined();
  });
});
