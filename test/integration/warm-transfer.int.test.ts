/**
 * Warm transfers and conferences through the agent API against the local cloud, heard from every end: the
 * caller holds while the agent consults another agent (who takes a seat in the agent's meeting), a queue's
 * free agent, or a number; then the transfer completes (the consulted party has the caller, the agent is
 * in wrap-up), or all three talk, or the consultation ends and the agent is back with the caller. A
 * decline, the consulted agent leaving and the caller hanging up mid-consultation release everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PstnClient, RemoteCall } from '../../infra/local/chime/pstn-client.ts';
import type { TestDesk } from '../support/contact-center.ts';
import { joined, talk, unheard } from '../support/conversation.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import type { IvrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();

let rig: DeskRig;
let phones: PstnClient;
let tenant: IvrTenant;
let desks: readonly TestDesk[];
let onlyReady: DeskRig['onlyReady'];
let connectedTo: DeskRig['connectedTo'];

beforeAll(async () => {
  rig = await deskRig(cloud, {
    name: 'warm',
    queues: { sales: { name: 'Sales', acwSeconds: null }, support: { name: 'Support', acwSeconds: null } },
    agents: 3,
    firstCaller: 3000,
  });
  ({ phones, tenant, desks, onlyReady, connectedTo } = rig);
});

afterAll(() => rig.close());

type Call = Record<string, unknown> & { consult?: Record<string, unknown> };
const callOf = async (desk: TestDesk) => (await desk.state()).call as Call | undefined;

/** `host` consults `guest` (made available first), who accepts and takes its seat in the host's meeting. */
async function consulted(host: TestDesk, guest: TestDesk, callId: string): Promise<RemoteCall> {
  expect((await guest.call('PUT', '/agent/state', { status: 'available' })).status).toBe(200);
  const asked = await host.call('POST', '/agent/call/consult', { to: { agentId: guest.agentId } });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  expect(asked.body.state).toMatchObject({
    status: 'on-call',
    call: { callId, consult: { kind: 'agent', agentId: guest.agentId, state: 'ringing' } },
  });
  const offer = await guest.nextOffer();
  expect(offer).toMatchObject({ callId, consultOf: host.agentId });
  const taken = await guest.call('POST', `/agent/calls/${callId}/accept`);
  expect(taken.status, JSON.stringify(taken.body)).toBe(200);
  expect(taken.body.state).toMatchObject({ status: 'on-call', call: { callId, consultOf: host.agentId } });
  const media = taken.body.media as { meetingId: string; attendee: { joinToken: string } };
  expect(media.meetingId).toBe(host.media.meetingId);
  const seat = await phones.joinMeeting(media.meetingId, media.attendee.joinToken);
  await expect.poll(async () => (await callOf(host))?.consult?.state).toBe('talking');
  return seat;
}

describe('warm transfer and conference', () => {
  it('consults an agent while the caller holds, then hands the caller over', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);

    const guest = await consulted(first, second, callId);
    await caller.waitToHear(/hold-music/);
    await talk(first.seat, guest, 'can you take a billing question');
    await talk(guest, first.seat, 'yes, put them through');
    await unheard(guest, caller, 'the caller must not hear the consultation');

    const done = await first.call('POST', '/agent/call/transfer/complete');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toMatchObject({ status: 'after-call' });
    // The caller is now in the second agent's own meeting; its seat in the first agent's has gone.
    await joined(second.seat, callId, 1);
    await talk(caller, second.seat, 'hello second agent');
    await talk(second.seat, caller, 'hello, I can help with billing');
    await guest.waitFor('ended');
    await unheard(caller, first.seat, 'the first agent has left');
    const taker = await second.state();
    expect(taker).toMatchObject({ status: 'on-call', call: { callId } });
    expect((taker.call as Call).consultOf).toBeUndefined();

    caller.hangup();
    await expect.poll(async () => (await second.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('makes a three-party conference; the consulted agent leaves and the call goes on', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);
    const guest = await consulted(first, second, callId);

    const all = await first.call('POST', '/agent/call/conference');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.state).toMatchObject({ call: { conference: true } });
    expect((all.body.state as { call: Call }).call.holdSince).toBeUndefined();
    await joined(first.seat, callId, 2);
    await talk(caller, guest, 'can all of you hear me');
    await talk(guest, caller, 'the second agent hears you');
    await talk(first.seat, caller, 'and so does the first');

    const left = await second.call('POST', '/agent/call/hangup');
    expect(left.status, JSON.stringify(left.body)).toBeLessThan(300);
    await guest.waitFor('ended');
    await expect.poll(async () => (await second.state()).status).toBe('after-call');
    const host = await callOf(first);
    expect(host?.consult).toBeUndefined();
    expect(host?.conference).toBeUndefined();
    await talk(caller, first.seat, 'just the two of us again');

    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('consults a number, conferences it in, and leaves the caller and the number talking', async () => {
    const [first] = desks as [TestDesk];
    await onlyReady(first);
    const outside = '+14255550171';
    const ringing = new Promise<RemoteCall>((resolve) => phones.once('incoming', resolve));
    phones.subscribe(outside, 'manual');
    const { caller } = await connectedTo(first);

    const asked = await first.call('POST', '/agent/call/consult', { to: { number: outside } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.state).toMatchObject({ call: { consult: { kind: 'number', number: outside } } });
    const far = await ringing;
    expect(far.from).toBe(tenant.number);
    const early = await first.call('POST', '/agent/call/transfer/complete');
    expect(early.status).toBe(409);
    expect(String(early.body.message)).toMatch(/not answered/);
    far.answer();
    await expect.poll(async () => (await callOf(first))?.consult?.state).toBe('talking');
    await talk(first.seat, far, 'a customer of ours needs you');
    await talk(far, first.seat, 'happy to help');
    await unheard(far, caller, 'the caller must not hear this');

    expect((await first.call('POST', '/agent/call/conference')).status).toBe(200);
    await talk(caller, far, 'hello outside expert');
    await talk(far, caller, 'hello caller');

    const done = await first.call('POST', '/agent/call/transfer/complete');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toMatchObject({ status: 'after-call' });
    await talk(caller, far, 'are you still there');
    await talk(far, caller, 'still here without the agent');
    await unheard(caller, first.seat, 'the agent has left');

    caller.hangup();
    await far.waitFor('ended');
  });

  it('a declined consultation leaves the caller on hold; a caller who hangs up mid-consultation frees both agents', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);

    expect((await second.call('PUT', '/agent/state', { status: 'available' })).status).toBe(200);
    expect(
      (await first.call('POST', '/agent/call/consult', { to: { agentId: second.agentId } })).status,
    ).toBe(200);
    await second.nextOffer();
    const no = await second.call('POST', `/agent/calls/${callId}/decline`);
    expect(no.status, JSON.stringify(no.body)).toBe(200);
    expect(no.body.state).toMatchObject({ status: 'available' });
    const back = await callOf(first);
    expect(back?.consult).toBeUndefined();
    expect(back?.holdSince).toBeDefined();
    expect((await first.call('POST', '/agent/call/resume')).status).toBe(200);
    await talk(caller, first.seat, 'back with you');

    const guest = await consulted(first, second, callId);
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
    await expect.poll(async () => (await second.state()).status, { timeout: 10_000 }).toBe('after-call');
    await guest.waitFor('ended');
  });

  it('consults the best free agent of a queue, and ends a consultation still ringing', async () => {
    const [first, second, third] = desks as [TestDesk, TestDesk, TestDesk];
    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);
    const nobody = await first.call('POST', '/agent/call/consult', { to: { queueId: 'support' } });
    expect(nobody.status).toBe(409);
    expect(String(nobody.body.message)).toMatch(/nobody in queue support is free/);

    expect((await third.call('PUT', '/agent/state', { status: 'available' })).status).toBe(200);
    const asked = await first.call('POST', '/agent/call/consult', { to: { queueId: 'support' } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.state).toMatchObject({ call: { consult: { kind: 'agent', agentId: third.agentId } } });
    expect(await third.nextOffer()).toMatchObject({ callId, consultOf: first.agentId });
    expect((await second.state()).status).toBe('not-ready');

    const ended = await first.call('DELETE', '/agent/call/consult');
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect((ended.body.state as { call: Call }).call.consult).toBeUndefined();
    expect((await third.state()).status).toBe('available');
    expect((await third.call('POST', `/agent/calls/${callId}/accept`)).status).toBe(409);
    expect((await first.call('POST', '/agent/call/resume')).status).toBe(200);
    await talk(caller, first.seat, 'still with you');
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('refuses consultations and conferences that cannot be, changing nothing', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(first);
    const idle = await first.call('POST', '/agent/call/consult', { to: { agentId: second.agentId } });
    expect(idle.status).toBe(409);
    const { caller, callId } = await connectedTo(first);
    for (const [method, path, body, status, message] of [
      ['POST', '/agent/call/consult', { to: { agentId: first.agentId } }, 409, /yourself/],
      ['POST', '/agent/call/consult', { to: { agentId: second.agentId } }, 409, /not available/],
      ['POST', '/agent/call/consult', { to: { agentId: 'agent-nobody' } }, 409, /not available/],
      ['POST', '/agent/call/consult', { to: { number: '+19005550123' } }, 400, /premium-rate/],
      ['POST', '/agent/call/consult', { to: {} }, 400, /exactly one/],
      ['POST', '/agent/call/conference', undefined, 409, /conference needs/],
      ['POST', '/agent/call/transfer/complete', undefined, 409, /not consulting/],
      ['DELETE', '/agent/call/consult', undefined, 409, /not consulting/],
    ] as const) {
      const answer = await first.call(method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(String(answer.body.message)).toMatch(message);
    }
    const guest = await consulted(first, second, callId);
    for (const [desk, method, path, message] of [
      [first, 'POST', '/agent/call/transfer', /complete the transfer, or end the consultation/],
      [first, 'POST', '/agent/call/resume', /make it a conference/],
      [second, 'POST', '/agent/call/hold', /controls it/],
    ] as const) {
      const answer = await desk.call(method, path, { to: { queueId: 'support' } });
      expect(answer.status, `${method} ${path}`).toBe(409);
      expect(String(answer.body.message)).toMatch(message);
    }
    const again = await first.call('POST', '/agent/call/consult', { to: { queueId: 'support' } });
    expect(again.status).toBe(409);
    expect(await callOf(first)).toMatchObject({ consult: { agentId: second.agentId, state: 'talking' } });
    expect(await callOf(second)).toMatchObject({ callId, consultOf: first.agentId });

    caller.hangup();
    await guest.waitFor('ended');
    await expect.poll(async () => (await second.state()).status, { timeout: 10_000 }).toBe('after-call');
  });
});
