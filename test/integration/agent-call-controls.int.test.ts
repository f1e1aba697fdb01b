/**
 * What an agent does during a call, through the agent API against the local cloud, heard from both ends:
 * hold (the caller hears hold music, neither hears the other) and resume, mute (the caller no longer hears
 * the agent, and it lasts through hold), and blind transfers to an agent, a queue and a number (answered,
 * and not: the caller returns to the queue). Bad requests change nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PstnClient, RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import type { TestUser } from '../support/auth.ts';
import { api, type TestContactCenter, type TestDesk } from '../support/contact-center.ts';
import { holdMusicHeard, joined, talk, unheard } from '../support/conversation.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import type { IvrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;

let rig: DeskRig;
let phones: PstnClient;
let tenant: IvrTenant;
let center: TestContactCenter;
let desks: readonly TestDesk[];
let onlyReady: DeskRig['onlyReady'];
let connectedTo: DeskRig['connectedTo'];

beforeAll(async () => {
  rig = await deskRig(cloud, {
    name: 'controls',
    queues: { sales: { name: 'Sales', acwSeconds: null }, support: { name: 'Support', acwSeconds: null } },
    agents: 2,
    firstCaller: 2000,
    flow: {
      schemaVersion: 1,
      name: 'straight to sales',
      languages: ['en-US'],
      start: 'hi',
      nodes: {
        hi: { type: 'play', prompt: { say: { 'en-US': 'Thank you for calling.' } }, next: 'tag' },
        tag: { type: 'setAttribute', values: { intent: 'sales', tier: 'gold' }, next: 'q' },
        q: { type: 'enqueue', queue: 'sales' },
      },
    },
  });
  ({ phones, tenant, center, desks, onlyReady, connectedTo } = rig);
});

afterAll(() => rig.close());

describe('call controls', () => {
  it('holds the caller (hold music, neither hears the other) and resumes the conversation', async () => {
    const [agent] = desks as [TestDesk];
    await onlyReady(agent);
    const { caller, callId } = await connectedTo(agent);
    const musicBefore = holdMusicHeard(caller);

    const held = await agent.call('POST', '/agent/call/hold');
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body.state).toMatchObject({ status: 'on-call', call: { holdCount: 1 } });
    await caller.waitToHear(/hold-music/);
    await expect.poll(() => holdMusicHeard(caller), { timeout: 10_000 }).toBeGreaterThan(musicBefore);
    await unheard(agent.seat, caller, 'a word the caller must not hear');
    await unheard(caller, agent.seat, 'a word the agent must not hear');

    const resumed = await agent.call('POST', '/agent/call/resume');
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect((resumed.body.state as { call: Record<string, unknown> }).call.holdSince).toBeUndefined();
    await joined(agent.seat, callId, 2);
    await talk(caller, agent.seat, 'are you back');
    await talk(agent.seat, caller, 'yes I am back');

    caller.hangup();
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).toBe('after-call');
    const done = await agent.state();
    expect(done.call).toMatchObject({ holdCount: 1 });
    expect((done.call as { holdMs: number }).holdMs).toBeGreaterThan(0);
  });

  it('mutes the agent for the caller, through hold and back, and unmutes', async () => {
    const [agent] = desks as [TestDesk];
    await onlyReady(agent);
    const { caller, callId } = await connectedTo(agent);

    expect((await agent.call('PUT', '/agent/call/mute', { muted: true })).body.state).toMatchObject({
      call: { muted: true },
    });
    await new Promise((r) => setTimeout(r, 300));
    await unheard(agent.seat, caller, 'muted words');
    await talk(caller, agent.seat, 'the agent still hears me');

    // Mute lasts through hold: back from hold, the agent is still muted.
    expect((await agent.call('POST', '/agent/call/hold')).status).toBe(200);
    expect((await agent.call('POST', '/agent/call/resume')).status).toBe(200);
    await joined(agent.seat, callId, 2);
    await talk(caller, agent.seat, 'back from hold');
    await new Promise((r) => setTimeout(r, 300));
    await unheard(agent.seat, caller, 'still muted words');

    expect((await agent.call('PUT', '/agent/call/mute', { muted: false })).body.state).toMatchObject({
      call: { muted: false },
    });
    await new Promise((r) => setTimeout(r, 300));
    await talk(agent.seat, caller, 'unmuted words');
    caller.hangup();
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('transfers a caller blind to another agent, who takes the call', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    // The second agent is not ready while the first takes the call, then ready for the transfer.
    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);
    await second.call('PUT', '/agent/state', { status: 'available' });

    const moved = await first.call('POST', '/agent/call/transfer', { to: { agentId: second.agentId } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.state).toMatchObject({ status: 'after-call' });
    await caller.waitToHear(/hold-music/);
    const offer = await second.nextOffer();
    expect(offer.callId).toBe(callId);
    expect((await second.call('POST', `/agent/calls/${callId}/accept`)).status).toBe(200);
    await joined(second.seat, callId, 1);
    await talk(caller, second.seat, 'hello second agent');
    await talk(second.seat, caller, 'hello caller from the second agent');
    // The first agent no longer hears the caller.
    await unheard(caller, first.seat, 'only the second agent hears this');

    caller.hangup();
    await expect.poll(async () => (await second.state()).status, { timeout: 10_000 }).toBe('after-call');
    expect(await first.state()).toMatchObject({ status: 'after-call' });
  });

  it('transfers a caller blind to another queue, where the next agent takes the call', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);
    await second.call('PUT', '/agent/state', { status: 'available' });

    const moved = await first.call('POST', '/agent/call/transfer', { to: { queueId: 'support' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const offer = await second.nextOffer();
    expect(offer).toMatchObject({ callId, queueId: 'support' });
    expect((await second.call('POST', `/agent/calls/${callId}/accept`)).status).toBe(200);
    await talk(caller, second.seat, 'support please');
    caller.hangup();
    await expect.poll(async () => (await second.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('transfers a caller to a number; one that does not answer sends the caller back to the queue', async () => {
    const [agent] = desks as [TestDesk];
    await onlyReady(agent);
    const answering = '+14255550161';
    const busy = '+14255550162';
    phones.subscribe(busy, 'busy');
    const answered = new Promise<RemoteCall>((resolve) => phones.once('incoming', resolve));
    phones.subscribe(answering, 'manual');

    const first = await connectedTo(agent);
    const moved = await agent.call('POST', '/agent/call/transfer', { to: { number: answering } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.state).toMatchObject({ status: 'after-call' });
    const far = await answered;
    far.answer();
    await far.waitFor('connected');
    await talk(first.caller, far, 'hello outside world');
    await talk(far, first.caller, 'hello caller');
    first.caller.hangup();
    await far.waitFor('ended');

    await agent.call('POST', '/agent/wrap-up', { code: 'transferred' });
    const second = await connectedTo(agent);
    expect((await agent.call('POST', '/agent/call/transfer', { to: { number: busy } })).status).toBe(200);
    await second.caller.waitToHear(/did not answer/);
    // Back in the queue: the next agent available takes the caller.
    await agent.call('POST', '/agent/wrap-up', { code: 'transferred' });
    const offer = await agent.nextOffer(10_000);
    expect(offer.callId).toBe(second.callId);
    second.caller.hangup();
    // The offer is withdrawn once call control has seen the hang-up.
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).not.toBe('reserved');
  });

  it('pops the agent’s own call on screen: caller, queue, wait, IVR attributes and the caller’s recent calls', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(first);
    const regular = '+14255559001';
    const earlier = await phones.dial(regular, tenant.number);
    const offered = await first.nextOffer();
    earlier.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).not.toBe('reserved');
    await onlyReady(first);

    const caller = await phones.dial(regular, tenant.number);
    const offer = await first.nextOffer();
    const pop = await first.call('GET', `/agent/calls/${offer.callId}`);
    expect(pop.status, JSON.stringify(pop.body)).toBe(200);
    expect(pop.body.call).toMatchObject({
      callId: offer.callId,
      caller: regular,
      dialled: tenant.number,
      direction: 'inbound',
      queue: { id: 'sales' },
      attributes: { intent: 'sales', tier: 'gold' },
    });
    expect(Date.parse(String((pop.body.call as { enqueuedAt: string }).enqueuedAt))).toBeGreaterThan(0);
    const history = pop.body.history as { callId: string }[];
    expect(history.map((c) => c.callId)).toEqual([offered.callId]);

    // Another agent of the tenant, and an unknown call, learn nothing.
    for (const [desk, callId] of [
      [second, offer.callId],
      [first, 'call-unknown'],
    ] as const) {
      const refused = await desk.call('GET', `/agent/calls/${callId}`);
      expect(refused.status).toBe(404);
      expect(String(refused.body.message)).toMatch(/not on your desk/);
    }
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).not.toBe('reserved');
  });

  it('takes not-ready reasons from the tenant’s own list, which only an admin sets', async () => {
    const [first] = desks as [TestDesk];
    const listed = await first.call('GET', '/reason-codes');
    expect(listed.status).toBe(200);
    expect((listed.body.codes as { code: string }[]).map((c) => c.code)).toEqual(['test', 'lunch']);
    const unknown = await first.call('PUT', '/agent/state', { status: 'not-ready', reason: 'break' });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.message)).toMatch(/reason codes: test, lunch/);
    const lunch = await first.call('PUT', '/agent/state', { status: 'not-ready', reason: 'lunch' });
    expect(lunch.body.state).toMatchObject({ status: 'not-ready', reason: 'lunch' });
    // An agent may not change the list; an admin's bad list changes nothing.
    expect(
      (await first.call('PUT', '/reason-codes', { codes: [{ code: 'nap', label: 'Nap' }] })).status,
    ).toBe(403);
    for (const bad of [
      { codes: [] },
      { codes: [{ code: 'missed', label: 'Missed' }] },
      { codes: [{ code: 'a b', label: 'Spaces' }] },
      {
        codes: [
          { code: 'x', label: 'X' },
          { code: 'x', label: 'Again' },
        ],
      },
    ]) {
      const refused = await api(webUrl, center.admin, 'PUT', '/reason-codes', bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    expect(((await first.call('GET', '/reason-codes')).body.codes as unknown[]).length).toBe(2);
  });

  it('plays the agent’s keypad to the caller as tones, and refuses keys that are not DTMF', async () => {
    const [agent] = desks as [TestDesk];
    await onlyReady(agent);
    const { caller } = await connectedTo(agent);
    const sent = await agent.call('POST', '/agent/call/digits', { digits: '12#' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await expect
      .poll(() => caller.heard.some((h) => h.kind === 'tones' && h.digits === '12#'), { timeout: 10_000 })
      .toBe(true);
    for (const digits of ['', 'x', '1'.repeat(51), 7]) {
      const refused = await agent.call('POST', '/agent/call/digits', { digits });
      expect(refused.status, String(digits)).toBe(400);
    }
    expect((await agent.call('POST', '/agent/call/hold')).status).toBe(200);
    expect((await agent.call('POST', '/agent/call/digits', { digits: '1' })).status).toBe(409);
    caller.hangup();
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('refuses bad transfers and controls without a call, changing nothing', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    expect((await first.call('POST', '/agent/call/hold')).status).toBe(409);
    await onlyReady(first);
    const { caller } = await connectedTo(first);
    const refused = [
      [{ to: { number: '+442071838750' } }, 400, /outside this contact center's country/],
      [{ to: { number: '+19005550123' } }, 400, /premium-rate/],
      [{ to: { agentId: second.agentId } }, 409, /not available/],
      [{ to: { agentId: first.agentId } }, 409, /yourself/],
      [{ to: { queueId: 'nowhere' } }, 404, /no queue/],
      [{ to: { queueId: 'support', number: '+14255550123' } }, 400, /exactly one/],
    ] as const;
    for (const [body, status, message] of refused) {
      const answer = await first.call('POST', '/agent/call/transfer', body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(String(answer.body.message)).toMatch(message);
    }
    expect((await first.call('PUT', '/agent/call/mute', { muted: 'yes' })).status).toBe(400);
    // Still talking to the same agent.
    expect(await first.state()).toMatchObject({ status: 'on-call' });
    await talk(caller, first.seat, 'still here');
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('calls out for an agent from the tenant’s number: reserved while it rings, on the call once answered', async () => {
    const [agent] = desks as [TestDesk];
    await onlyReady();
    const customer = '+14255550171';
    const ringing = new Promise<RemoteCall>((resolve) => phones.once('incoming', resolve));
    phones.subscribe(customer, 'manual');

    const placed = await agent.call('POST', '/agent/calls', { to: customer });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.state).toMatchObject({ status: 'reserved', call: { outbound: true } });
    const callId = placed.body.callId as string;
    const far = await ringing;
    expect(far.from).toBe(tenant.number); // the tenant's number is the caller id
    // While it rings the agent is not free for another call out.
    expect((await agent.call('POST', '/agent/calls', { to: customer })).status).toBe(409);
    far.answer();
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).toBe('on-call');
    await talk(agent.seat, far, 'hello, this is your agent calling');
    await talk(far, agent.seat, 'hello agent');
    expect((await agent.state()).call).toMatchObject({ callId, outbound: true });

    // Controls work on a call out too.
    expect((await agent.call('POST', '/agent/call/hold')).status).toBe(200);
    await far.waitToHear(/hold-music/);
    expect((await agent.call('POST', '/agent/call/resume')).status).toBe(200);
    await talk(far, agent.seat, 'back again');
    expect((await agent.call('POST', '/agent/call/hangup')).status).toBe(202);
    await far.waitFor('ended');
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('frees the agent when a call out is not answered, and refuses numbers it may not call', async () => {
    const [agent] = desks as [TestDesk];
    await onlyReady();
    const busy = '+14255550172';
    phones.subscribe(busy, 'busy');
    // Busy at once: the call may already be over when the request answers (409), or end just after (201).
    const placed = await agent.call('POST', '/agent/calls', { to: busy });
    expect([201, 409], JSON.stringify(placed.body)).toContain(placed.status);
    if (placed.status === 409) expect(String(placed.body.message)).toMatch(/busy or cannot be reached/);
    // Back where the agent called from: not ready, for the same reason.
    await expect
      .poll(async () => await agent.state(), { timeout: 10_000 })
      .toMatchObject({ status: 'not-ready', reason: 'test' });
    for (const [body, message] of [
      [{ to: '+442071838750' }, /outside this contact center's country/],
      [{ to: '+19005550123' }, /premium-rate/],
      [{ to: 'tomorrow' }, /E\.164/],
      [{ to: '+14255550173', from: '+14255550174' }, /not one of your contact center/],
    ] as const) {
      const refused = await agent.call('POST', '/agent/calls', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(String(refused.body.message)).toMatch(message);
    }
    expect(await agent.state()).toMatchObject({ status: 'not-ready' });
  });

  it('holds wrap-up to the tenant’s disposition codes, and records the one chosen', async () => {
    const [agent] = desks as [TestDesk];
    const codes = {
      codes: [
        { code: 'booked', label: 'Booked' },
        { code: 'cancelled', label: 'Cancelled' },
      ],
    };
    expect((await api(webUrl, center.admin, 'PUT', '/disposition-codes', codes)).status).toBe(200);
    expect((await api(webUrl, center.agents[0] as TestUser, 'GET', '/disposition-codes')).body).toEqual(
      codes,
    );
    expect(
      (
        await api(webUrl, center.admin, 'PUT', '/disposition-codes', {
          codes: [{ code: 'none', label: 'x' }],
        })
      ).status,
    ).toBe(400);
    await onlyReady(agent);
    const { caller, callId } = await connectedTo(agent);
    caller.hangup();
    await expect.poll(async () => (await agent.state()).status, { timeout: 10_000 }).toBe('after-call');
    const refused = await agent.call('POST', '/agent/wrap-up', { code: 'sale' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(
      /not one of this contact center's disposition codes \(booked, cancelled\)/,
    );
    expect((await agent.state()).status).toBe('after-call');
    expect(
      (await agent.call('POST', '/agent/wrap-up', { code: 'booked', notes: 'table for two' })).status,
    ).toBe(200);
    const record = await cloud.clients.documents.send(
      new GetCommand({
        TableName: cloud.config.tables.live,
        Key: liveKeys.call(tenantId(tenant.tenant), callId),
      }),
    );
    expect(record.Item?.disposition).toMatchObject({ code: 'booked', notes: 'table for two' });
    await api(webUrl, center.admin, 'PUT', '/disposition-codes', {
      codes: [
        { code: 'resolved', label: 'Resolved' },
        { code: 'transferred', label: 'Transferred' },
      ],
    });
  });
});
