/**
 * What callers live through in a queue, end to end on the local cloud (the flow enqueues, routing and the
 * sweeper do the rest): announcements of their place and expected wait, the overflow when the queue is
 * full (voicemail, another queue, a callback request) or when they have waited the maximum (a message and
 * goodbye), and the recording of a queue that records.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PstnClient, type RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { api, contactCenter, openDesk, type TestDesk } from '../support/contact-center.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;
let phones: PstnClient;
let callers = 0;

beforeAll(async () => {
  phones = await PstnClient.connect(webUrl);
});
afterAll(() => phones.close());

/** A tenant whose number's flow greets and enqueues into `entry`, with these queues and agents. */
async function tenantWith(queues: Record<string, Record<string, unknown>>, entry: string, agents = 0) {
  const tenant = await ivrTenant(cloud, 'queue');
  await tenant.publish({
    schemaVersion: 1,
    name: 'into the queue',
    languages: ['en-US'],
    start: 'hi',
    nodes: {
      hi: { type: 'play', prompt: { say: { 'en-US': 'Thank you for calling.' } }, next: 'q' },
      q: { type: 'enqueue', queue: entry },
    },
  });
  const center = await contactCenter(webUrl, { tenantId: tenant.tenant, queues, agents });
  return { tenant, center };
}

async function dial(tenant: IvrTenant): Promise<RemoteCall> {
  const call = await phones.dial(`+1425555${String(3000 + ++callers)}`, tenant.number);
  await call.waitToHear(/Thank you for calling/);
  return call;
}

async function callRecord(tenant: IvrTenant, callId: string) {
  const { Item } = await cloud.clients.documents.send(
    new GetCommand({
      TableName: cloud.config.tables.live,
      Key: liveKeys.call(tenant.tenant, callId),
      ConsistentRead: true,
    }),
  );
  return Item ?? {};
}

async function s3Size(location: string): Promise<number> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location) ?? [];
  const head = await cloud.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return head.ContentLength ?? 0;
}

const holdMusic = /audio: s3:\/\/[^/]+\/platform\/prompts\/hold-music\.wav/;

describe('waiting in a queue', () => {
  it('tells callers their place and expected wait, then sends them off with a message at the maximum wait', async () => {
    const { tenant } = await tenantWith(
      {
        sales: {
          name: 'Sales',
          announceEverySeconds: 4,
          maxWaitSeconds: 10,
          overflow: { kind: 'hangup', message: 'We are sorry, nobody can take your call now. Goodbye.' },
        },
      },
      'sales',
    );
    const first = await dial(tenant);
    await first.waitToHear(holdMusic);
    const second = await dial(tenant);
    await first.waitToHear(/You are next in line\. Thank you for holding\./, 10_000);
    await second.waitToHear(/You are caller number 2 in line\./, 10_000);
    // Back to the music after each announcement.
    await expect.poll(() => second.heard.at(-1)?.kind, { timeout: 5_000 }).toBe('audio');

    await first.waitToHear(/nobody can take your call now/, 15_000);
    await first.waitFor('ended');
    expect((await callRecord(tenant, first.transactionId ?? '')).routing).toMatchObject({
      state: 'overflowed',
    });
    await second.waitFor('ended', 15_000);
  });

  it('takes a voicemail when the queue is full, and keeps where the message is', async () => {
    const { tenant } = await tenantWith(
      { sales: { name: 'Sales', maxSize: 1, overflow: { kind: 'voicemail' } } },
      'sales',
    );
    const waiting = await dial(tenant);
    await waiting.waitToHear(holdMusic);
    const caller = await dial(tenant);
    await caller.waitToHear(/our queue is full\. Please leave a message after the tone, then press pound\./);
    await caller.waitToHear(/beep\.wav/);
    caller.say('Please call me back about my order.');
    caller.press('#');
    await caller.waitToHear(/Your message has been saved\. Goodbye\./);
    await caller.waitFor('ended');
    await expect
      .poll(async () => (await callRecord(tenant, caller.transactionId ?? '')).status, { timeout: 5_000 })
      .toBe('ended');
    const record = await callRecord(tenant, caller.transactionId ?? '');
    expect(String(record.voicemail)).toMatch(new RegExp(`^s3://[^/]+/tenants/${tenant.tenant}/voicemail/`));
    expect(await s3Size(String(record.voicemail))).toBeGreaterThan(44);
    waiting.hangup();
  });

  it('sends callers of a full queue to its overflow queue, where an agent takes them', async () => {
    const { tenant, center } = await tenantWith(
      {
        sales: { name: 'Sales', maxSize: 1, overflow: { kind: 'queue', queueId: 'overflow' } },
        overflow: { name: 'Overflow' },
      },
      'sales',
      1,
    );
    const desk: TestDesk = await openDesk(webUrl, center.agents[0] as (typeof center.agents)[number], phones);
    try {
      const waiting = await dial(tenant);
      await waiting.waitToHear(holdMusic);
      const caller = await dial(tenant);
      await caller.waitToHear(/Please continue to hold/);
      await caller.waitToHear(holdMusic);
      expect(await callRecord(tenant, caller.transactionId ?? '')).toMatchObject({
        status: 'queued',
        queue: { id: 'overflow' },
      });
      // The first caller gives up; the agent (in both queues) takes the overflow caller once ready.
      waiting.hangup();
      await waiting.waitFor('ended');
      expect((await desk.call('PUT', '/agent/state', { status: 'available' })).status).toBe(200);
      const offer = await desk.nextOffer();
      expect(offer).toMatchObject({ callId: caller.transactionId, queueId: 'overflow' });
      expect((await desk.call('POST', `/agent/calls/${offer.callId}/accept`)).status).toBe(200);
      caller.say('Thank you for taking my call.');
      await desk.seat.waitToHear(/Thank you for taking my call/);
      caller.hangup();
    } finally {
      await desk.close();
    }
  });

  it('records a callback request when the queue is full and overflows to callbacks, for that tenant only', async () => {
    const { tenant, center } = await tenantWith(
      { sales: { name: 'Sales', maxSize: 1, overflow: { kind: 'callback' } } },
      'sales',
    );
    const other = await contactCenter(webUrl, { queues: { sales: { name: 'Sales' } }, agents: 0 });
    const waiting = await dial(tenant);
    await waiting.waitToHear(holdMusic);
    const caller = await phones.dial('+14255553999', tenant.number);
    await caller.waitToHear(/We will call you back at the number you called from\. Goodbye\./);
    await caller.waitFor('ended');
    const listed = await api(webUrl, center.supervisor, 'GET', '/callbacks');
    expect(listed.status).toBe(200);
    expect(listed.body.callbacks).toEqual([
      { callId: caller.transactionId, caller: '+14255553999', queueId: 'sales', at: expect.any(String) },
    ]);
    expect((await api(webUrl, other.supervisor, 'GET', '/callbacks')).body.callbacks).toEqual([]);
    expect((await api(webUrl, center.supervisor, 'GET', '/callbacks?limit=0')).status).toBe(400);
    waiting.hangup();
  });

  it('records the calls of a queue that records, from the moment the caller reaches an agent', async () => {
    const { tenant, center } = await tenantWith({ sales: { name: 'Sales', record: true } }, 'sales', 1);
    const desk = await openDesk(webUrl, center.agents[0] as (typeof center.agents)[number], phones);
    try {
      await desk.call('PUT', '/agent/state', { status: 'available' });
      const caller = await dial(tenant);
      const offer = await desk.nextOffer();
      expect((await desk.call('POST', `/agent/calls/${offer.callId}/accept`)).status).toBe(200);
      await expect
        .poll(async () => (await callRecord(tenant, offer.callId)).recording, { timeout: 10_000 })
        .toMatch(new RegExp(`^s3://[^/]+/tenants/${tenant.tenant}/call-recordings/`));
      caller.say('This call is recorded.');
      await desk.seat.waitToHear(/This call is recorded/);
      // Hold and resume do not start it again (a recording starts once per call).
      expect((await desk.call('POST', '/agent/call/hold')).status).toBe(200);
      expect((await desk.call('POST', '/agent/call/resume')).status).toBe(200);
      caller.hangup();
      await caller.waitFor('ended');
      const location = String((await callRecord(tenant, offer.callId)).recording);
      // Written when the call has ended.
      await expect.poll(() => s3Size(location).catch(() => 0), { timeout: 10_000 }).toBeGreaterThan(44);
      const log = await caller.waitForLog();
      const failures = log.filter(
        (e) =>
          e.kind === 'invocation' &&
          (e as { event?: { InvocationEventType?: string } }).event?.InvocationEventType === 'ACTION_FAILED',
      );
      expect(failures).toEqual([]);
    } finally {
      await desk.close();
    }
  });
});
