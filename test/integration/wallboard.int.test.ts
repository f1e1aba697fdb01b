/**
 * The supervisor's side against the local cloud: the wallboard's figures (callers waiting and the longest
 * wait, abandoned and answered calls, service level, agents by state, calls today), listening to a call
 * (heard by nobody) and barging in (heard by all), and forcing an agent's state — within the supervisor's
 * tenant only, and for supervisors only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { randomTenantId, signIn } from '../support/auth.ts';
import { api, type TestContactCenter, type TestDesk } from '../support/contact-center.ts';
import { talk, unheard } from '../support/conversation.ts';
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
    name: 'board',
    queues: { sales: { name: 'Sales', acwSeconds: null, serviceLevelSeconds: 20 } },
    agents: 2,
    firstCaller: 4000,
  });
  ({ phones, tenant, center, desks, onlyReady, connectedTo } = rig);
});

afterAll(() => rig.close());

interface Board {
  queues: {
    queueId: string;
    waiting: number;
    longestWaitSeconds: number | null;
    answered: number;
    abandoned: number;
    serviceLevel: { targetSeconds: number; percent: number | null };
    agents: Record<string, number>;
  }[];
  agents: { agentId: string; name: string; status: string; callsToday: number; call?: { callId: string } }[];
}

const board = async () => {
  const answer = await api(webUrl, center.supervisor, 'GET', '/wallboard');
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as Board;
};
const sales = async () => (await board()).queues.find((q) => q.queueId === 'sales');

describe('the supervisor', () => {
  it('sees callers wait and abandon, calls answered within the target, and agents by state', async () => {
    const [first] = desks as [TestDesk];
    await onlyReady();
    const before = await sales();
    expect(before).toMatchObject({ waiting: 0, longestWaitSeconds: null, answered: 0, abandoned: 0 });
    expect(before?.serviceLevel).toEqual({ targetSeconds: 20, percent: null });
    expect(before?.agents).toMatchObject({ 'not-ready': 2, available: 0 });

    const gaveUp = await phones.dial('+14255554100', tenant.number);
    await expect.poll(async () => (await sales())?.waiting, { timeout: 10_000 }).toBe(1);
    expect((await sales())?.longestWaitSeconds).toBeGreaterThanOrEqual(0);
    gaveUp.hangup();
    await expect.poll(async () => (await sales())?.abandoned, { timeout: 10_000 }).toBe(1);
    expect(await sales()).toMatchObject({ waiting: 0 });
    // A short abandon (within 5 s) is left out of the service level.
    expect((await sales())?.serviceLevel.percent).toBeNull();

    await onlyReady(first);
    const { caller, callId } = await connectedTo(first);
    const during = await board();
    expect(during.queues[0]).toMatchObject({ answered: 1, serviceLevel: { percent: 100 } });
    expect(during.queues[0]?.agents).toMatchObject({ 'on-call': 1, 'not-ready': 1 });
    const row = during.agents.find((a) => a.agentId === first.agentId);
    expect(row).toMatchObject({ name: 'Agent 1', status: 'on-call', callsToday: 1, call: { callId } });
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('listens to a call unheard, barges in heard by both, and leaves', async () => {
    const [first] = desks as [TestDesk];
    await onlyReady(first);
    const { caller } = await connectedTo(first);
    const listen = await api(webUrl, center.supervisor, 'POST', `/agents/${first.agentId}/monitor`, {
      mode: 'listen',
    });
    expect(listen.status, JSON.stringify(listen.body)).toBe(200);
    const media = listen.body.media as { meetingId: string; attendee: { joinToken: string } };
    expect(media.meetingId).toBe(first.media.meetingId);
    const seat = await phones.joinMeeting(media.meetingId, media.attendee.joinToken);
    await talk(caller, seat, 'the supervisor hears the caller');
    await talk(first.seat, seat, 'and the agent');
    await unheard(seat, caller, 'the caller does not hear the supervisor');
    await unheard(seat, first.seat, 'nor does the agent');

    const barge = await api(webUrl, center.supervisor, 'POST', `/agents/${first.agentId}/monitor`, {
      mode: 'barge',
    });
    expect(barge.status).toBe(200);
    await talk(seat, caller, 'this is the supervisor');
    await talk(seat, first.seat, 'hello agent');

    expect((await api(webUrl, center.supervisor, 'DELETE', `/agents/${first.agentId}/monitor`)).status).toBe(
      200,
    );
    await seat.waitFor('ended');
    await talk(caller, first.seat, 'just the two of us');
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('whispers to the agent alone: a coaching meeting the agent is told to join, while listening to the call', async () => {
    const [first] = desks as [TestDesk];
    await onlyReady(first);
    const { caller } = await connectedTo(first);
    const whisper = await api(webUrl, center.supervisor, 'POST', `/agents/${first.agentId}/monitor`, {
      mode: 'whisper',
    });
    expect(whisper.status, JSON.stringify(whisper.body)).toBe(200);
    type Seat = { meetingId: string; attendee: { joinToken: string } };
    const { media, coach } = whisper.body as unknown as { media: Seat; coach: Seat };
    expect(coach.meetingId).not.toBe(first.media.meetingId);
    const told = (await first.socket.next((e) => e.type === 'coach')) as unknown as { media: Seat };
    expect(told.media.meetingId).toBe(coach.meetingId);

    const listening = await phones.joinMeeting(media.meetingId, media.attendee.joinToken);
    const coaching = await phones.joinMeeting(coach.meetingId, coach.attendee.joinToken);
    const coached = await phones.joinMeeting(told.media.meetingId, told.media.attendee.joinToken);
    await talk(caller, listening, 'the supervisor hears the caller');
    await talk(coaching, coached, 'offer the discount');
    await talk(coached, coaching, 'will do');
    await unheard(coaching, caller, 'the caller does not hear the whisper');
    await unheard(listening, caller, 'nor the listening seat');

    const foreign = await api(
      webUrl,
      center.supervisor,
      'DELETE',
      `/agents/${first.agentId}/monitor?coachMeetingId=${encodeURIComponent(first.media.meetingId)}`,
    );
    expect(foreign.status).toBe(400);
    const stop = await api(
      webUrl,
      center.supervisor,
      'DELETE',
      `/agents/${first.agentId}/monitor?coachMeetingId=${encodeURIComponent(coach.meetingId)}`,
    );
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    await Promise.all([listening.waitFor('ended'), coaching.waitFor('ended'), coached.waitFor('ended')]);
    await talk(caller, first.seat, 'still talking to the agent');
    caller.hangup();
    await expect.poll(async () => (await first.state()).status, { timeout: 10_000 }).toBe('after-call');
  });

  it('forces an agent not ready and logs it out; only supervisors, and only their tenant’s agents', async () => {
    const [first, second] = desks as [TestDesk, TestDesk];
    await onlyReady(second);
    const forced = await api(webUrl, center.supervisor, 'PUT', `/agents/${second.agentId}/state`, {
      status: 'not-ready',
      reason: 'lunch',
    });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(await second.state()).toMatchObject({ status: 'not-ready', reason: 'lunch' });
    await second.socket.next(
      (e) => e.type === 'agent.state' && (e.state as { reason?: string } | undefined)?.reason === 'lunch',
    );

    const agent = center.agents[0] as TestContactCenter['agents'][number];
    for (const [user, method, path, body, status] of [
      [center.supervisor, 'PUT', `/agents/${second.agentId}/state`, { status: 'away' }, 400],
      [
        center.supervisor,
        'PUT',
        `/agents/${second.agentId}/state`,
        { status: 'not-ready', reason: 'nap' },
        400,
      ],
      [center.supervisor, 'PUT', '/agents/agent-nobody/state', { status: 'available' }, 404],
      [agent, 'PUT', `/agents/${second.agentId}/state`, { status: 'available' }, 403],
      [center.supervisor, 'POST', `/agents/${second.agentId}/monitor`, { mode: 'listen' }, 409],
      [center.supervisor, 'POST', `/agents/${first.agentId}/monitor`, { mode: 'coach' }, 400],
    ] as const) {
      const answer = await api(webUrl, user, method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(
        status,
      );
    }
    expect(await second.state()).toMatchObject({ status: 'not-ready', reason: 'lunch' });
    const agentLooks = await api(webUrl, agent, 'GET', '/wallboard');
    expect(agentLooks.status).toBe(403);
    const stranger = await signIn(webUrl, { tenantId: randomTenantId('elsewhere'), groups: ['supervisor'] });
    const elsewhere = await api(webUrl, stranger, 'PUT', `/agents/${second.agentId}/state`, {
      status: 'available',
    });
    expect(elsewhere.status).toBe(404);
    expect((await api(webUrl, stranger, 'GET', '/wallboard')).body).toMatchObject({ queues: [], agents: [] });

    const out = await api(webUrl, center.supervisor, 'PUT', `/agents/${second.agentId}/state`, {
      status: 'offline',
    });
    expect(out.status).toBe(200);
    expect(await second.state()).toMatchObject({ status: 'offline' });
    expect((await board()).agents.map((a) => a.agentId)).not.toContain(second.agentId);
  });
});
