/**
 * Per-tenant limits against the local cloud: a tenant whose operator-set API rate is low gets 429s with
 * Retry-After when it bursts past it, while another tenant bursting at the same moment is served in full;
 * a second later the first tenant is served again. A tenant at its limit of calls in progress has its
 * next caller told the lines are busy, while other tenants' callers are served.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { callsInProgress, DynamoDbCallStore } from '../../layers/adapters/dynamodb-call-store.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { configKeys, liveKeys } from '../../layers/resources/keys.ts';
import { randomTenantId, signIn } from '../support/auth.ts';
import { ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';
import { ScriptedCaller } from '../support/scripted-caller.ts';

const cloud = localCloud();
const { webUrl } = cloud;

describe('per-tenant limits', () => {
  it('refuses a noisy tenant past its API rate, with Retry-After, and serves the others meanwhile', async () => {
    const noisy = await signIn(webUrl, { tenantId: randomTenantId('noisy'), groups: ['admin'] });
    const quiet = await signIn(webUrl, { tenantId: randomTenantId('quiet'), groups: ['admin'] });
    // The operator sets the noisy tenant's limit (tenants cannot raise their own).
    await cloud.clients.documents.send(
      new PutCommand({
        TableName: cloud.config.tables.config,
        Item: {
          ...configKeys.limits(tenantId(noisy.tenantId)),
          type: 'limits',
          limits: { apiRequestsPerSecond: 5 },
        },
      }),
    );
    const burst = (user: typeof noisy) =>
      Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${webUrl}/api/v1/me`, { headers: { authorization: user.authorization } }),
        ),
      );
    const started = Date.now();
    const [loud, calm] = await Promise.all([burst(noisy), burst(quiet)]);
    // Each second the burst touched let at most 5 through.
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    const refused = loud.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(loud.filter((r) => r.status === 200).length).toBeLessThanOrEqual(5 * seconds);
    const first = refused[0] as Response;
    expect(first.headers.get('retry-after')).toBe('1');
    expect(((await first.json()) as { message: string }).message).toMatch(/over its 5 API requests a second/);
    expect(calm.map((r) => r.status)).toEqual(Array(30).fill(200));

    await new Promise((r) => setTimeout(r, 1_100));
    const later = await fetch(`${webUrl}/api/v1/me`, { headers: { authorization: noisy.authorization } });
    expect(later.status).toBe(200);
  });

  it('holds a tenant to its calls in progress: past the limit callers hear the lines are busy, others are served', async () => {
    const busy = await ivrTenant(cloud, 'lines');
    const calm = await ivrTenant(cloud, 'lines-calm');
    await cloud.clients.documents.send(
      new PutCommand({
        TableName: cloud.config.tables.config,
        Item: { ...configKeys.limits(tenantId(busy.tenant)), type: 'limits', limits: { concurrentCalls: 1 } },
      }),
    );
    // Callers wait in a queue nobody answers: each call stays in progress until it hangs up.
    const waitInQueue = {
      schemaVersion: 1,
      name: 'wait',
      languages: ['en-US'],
      start: 'hello',
      nodes: {
        hello: { type: 'play', prompt: { say: { 'en-US': 'Thanks for waiting.' } }, next: 'q' },
        q: { type: 'enqueue', queue: 'sales' },
      },
    };
    await busy.publish(waitInQueue);
    await calm.publish(waitInQueue);
    const counter = async () =>
      callsInProgress(cloud.clients.documents, cloud.config.tables.live, tenantId(busy.tenant));

    const first = await ScriptedCaller.dial(busy.number);
    await first.hears(/Thanks for waiting/);
    const second = await ScriptedCaller.dial(busy.number);
    await second.hears(/All of our lines are busy/);
    await second.ends();
    // The other tenant is not held back by this one.
    const other = await ScriptedCaller.dial(calm.number);
    await other.hears(/Thanks for waiting/);
    expect(await counter()).toBe(1);

    first.hangUp();
    other.hangUp();
    await expect.poll(counter, { timeout: 10_000 }).toBe(0);
    const third = await ScriptedCaller.dial(busy.number);
    await third.hears(/Thanks for waiting/);
    third.hangUp();
    await expect.poll(counter, { timeout: 10_000 }).toBe(0);
  });

  it('counts a call once however often its start and its end are delivered', async () => {
    const tenant = tenantId(`dup-${Date.now().toString(36)}`);
    const store = new DynamoDbCallStore(cloud.clients.documents, cloud.config.tables.live, async () => 2);
    const active = async () => callsInProgress(cloud.clients.documents, cloud.config.tables.live, tenant);
    const call = (callId: string) => ({
      tenant,
      callId,
      caller: '+14255550100',
      dialled: '+14155550100',
      flowId: 'main',
      flowVersion: 1,
      startedAt: new Date().toISOString(),
    });
    // Starts delivered twice, at once and again: two calls counted, the third refused and not written.
    expect(
      await Promise.all([store.start(call('a')), store.start(call('a')), store.start(call('b'))]),
    ).toEqual(['started', 'started', 'started']);
    expect(await store.start(call('a'))).toBe('started');
    expect(await active()).toBe(2);
    expect(await store.start(call('c'))).toBe('refused');
    const refused = await cloud.clients.documents.send(
      new GetCommand({
        TableName: cloud.config.tables.live,
        Key: liveKeys.call(tenant, 'c'),
        ConsistentRead: true,
      }),
    );
    expect(refused.Item).toBeUndefined();
    // Ends delivered twice each: each call gives its place back once.
    const end = { status: 'ended' as const, endedAt: new Date().toISOString(), endReason: 'caller-hung-up' };
    await Promise.all([
      store.change(tenant, 'a', end),
      store.change(tenant, 'a', end),
      store.change(tenant, 'b', end),
    ]);
    await store.change(tenant, 'b', end);
    expect(await active()).toBe(0);
    expect(await store.start(call('c'))).toBe('started');
    expect(await active()).toBe(1);
  });

  it('gives back the place of a shared-number call whose hang-up raced the start of its tenant’s flow', async () => {
    const tenant = tenantId(`race-${Date.now().toString(36)}`);
    const store = new DynamoDbCallStore(cloud.clients.documents, cloud.config.tables.live, async () => 5);
    const callId = randomUUID();
    // The code led to the tenant, and its flow started (the call counted) …
    await store.rememberAccessCall(callId, tenant);
    await store.start({
      tenant,
      callId,
      caller: '+14255550142',
      dialled: '+18005550100',
      flowId: 'main',
      flowVersion: 1,
      startedAt: new Date().toISOString(),
    });
    const active = async () => callsInProgress(cloud.clients.documents, cloud.config.tables.live, tenant);
    expect(await active()).toBe(1);
    // … but the hang-up still carries the access number's state (the flow's response came too late).
    Object.assign(process.env, cloud.env);
    const { handler } = await import('../../functions/call-control/handler.ts');
    await handler({
      SchemaVersion: '1.0',
      Sequence: 4,
      InvocationEventType: 'HANGUP',
      ActionData: {
        Type: 'Hangup',
        Parameters: { SipResponseCode: '0', CallId: 'leg-a', ParticipantTag: 'LEG-A' },
      },
      CallDetails: {
        TransactionId: callId,
        TransactionAttributes: { acc: '+18005550100', aa: '1' },
        AwsAccountId: '000000000000',
        AwsRegion: 'us-east-1',
        SipRuleId: 'rule',
        SipMediaApplicationId: 'sma',
        Participants: [
          {
            CallId: 'leg-a',
            ParticipantTag: 'LEG-A',
            To: '+18005550100',
            From: '+14255550142',
            Direction: 'Inbound',
            StartTimeInMilliseconds: String(Date.now()),
            Status: 'Disconnected',
          },
        ],
      },
    } as never);
    expect(await active()).toBe(0);
    const record = await cloud.clients.documents.send(
      new GetCommand({
        TableName: cloud.config.tables.live,
        Key: liveKeys.call(tenant, callId),
        ConsistentRead: true,
      }),
    );
    expect(record.Item?.status).toBe('ended');
  });
});
