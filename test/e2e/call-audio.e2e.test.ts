/**
 * A call with real audio, in real headless Chromium, in the demo contact center `npm start` seeds: the
 * customer phone page dials the demo number, hears the menu, presses 1 and waits in the sales queue; the
 * demo agents sign in; the agent's softphone gets the offer with its screen
 * pop and accepts; speech from each side's fake microphone (a WAV file) reaches the other with a real level
 * (WebRTC statistics). Hold silences both ways and resume brings the audio back; a reload of the softphone
 * mid-call restores the call, its controls and its audio within 5 s; a blind transfer to a second agent
 * carries the caller's voice there; the caller hangs up and both agents end in wrap-up. The supervisor's
 * wallboard shows each change as it happens; the supervisor listens in (hearing, unheard) and whispers
 * (heard by the agent alone).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../infra/local/demo/seed-demo-users.ts';
import { entityId, type TenantId, tenantId } from '../../layers/domain/tenancy/ids.ts';
import { requestIdToken, type TestUser } from '../support/auth.ts';
import { launchBrowser } from '../support/browser.ts';
import { api } from '../support/contact-center.ts';
import { localCloud } from '../support/local-cloud.ts';
import {
  type AudioStats,
  accessible,
  agentStatus,
  openSoftphone,
  openWallboard,
  phoneAudio,
  softphoneAudio,
  wallboardAudio,
} from '../support/softphone-page.ts';
import { repoRoot } from '../support/start-local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;
const fixtures = join(repoRoot, 'test', 'fixtures', 'audio');
const screenshots = join(repoRoot, 'test-results', 'screenshots');

let callers: Browser;
let agents: Browser;
let demo: { tenant: TenantId; number: string };
/** The demo tenant's users (`npm start` prints their passwords), with their ids. */
let first: DemoSignIn;
let second: DemoSignIn;
let supervisor: DemoSignIn;

interface DemoSignIn extends TestUser {
  readonly agentId: string;
}

async function demoUser(email: string): Promise<DemoSignIn> {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (user === undefined) throw new Error(`no demo user ${email}`);
  const idToken = await requestIdToken(webUrl, user.email, user.password);
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
  };
  return {
    userId: claims.sub,
    agentId: entityId('agent', claims.sub),
    email: user.email,
    password: user.password,
    tenantId: demo.tenant,
    groups: user.groups,
    idToken,
    authorization: `Bearer ${idToken}`,
  };
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  [callers, agents] = await Promise.all([
    launchBrowser({ microphone: join(fixtures, 'caller-speech.wav') }),
    launchBrowser({ microphone: join(fixtures, 'agent-speech.wav') }),
  ]);
  const health = (await (await fetch(`${webUrl}/health`)).json()) as {
    demo: { tenantId: string; numbers: string[] };
  };
  demo = { tenant: tenantId(health.demo.tenantId), number: health.demo.numbers[0] as string };
  [first, second, supervisor] = await Promise.all([
    demoUser('agent1@demo.openline.local'),
    demoUser('agent2@demo.openline.local'),
    demoUser('supervisor@demo.openline.local'),
  ]);
});

afterAll(async () => {
  // The demo agents leave as they came: logged out, so the demo queues are free for the next test.
  await Promise.all([first, second].map((agent) => agent && api(webUrl, agent, 'DELETE', '/agent/session')));
  await Promise.all([callers?.close(), agents?.close()]);
});

/** Calls the demo sales queue answered so far (the supervisor's wallboard figures). */
const salesAnswered = async () => {
  const board = await api(webUrl, supervisor, 'GET', '/wallboard');
  return (board.body.queues as { queueId: string; answered: number }[]).find((q) => q.queueId === 'sales')
    ?.answered;
};

/** Waits until `read` reports audio arriving with a real level (speech, not silence), and returns it. */
async function hearsSpeech(read: () => Promise<AudioStats | undefined>, what: string): Promise<AudioStats> {
  let last: AudioStats | undefined;
  await expect
    .poll(
      async () => {
        last = await read();
        return (
          (last?.packetsReceived ?? 0) > 50 &&
          (last?.totalAudioEnergy ?? 0) > 0.01 &&
          (last?.audible ?? 0) > 0
        );
      },
      { timeout: 15_000, message: `${what}: ${JSON.stringify(last)}` },
    )
    .toBe(true);
  return last as AudioStats;
}

/** Waits until `read` reports no peer audible (what is received is not played). */
const silent = (read: () => Promise<AudioStats | undefined>) =>
  expect.poll(async () => (await read())?.audible, { timeout: 5_000 }).toBe(0);

describe('a call with real audio between the customer phone and the softphone', () => {
  it('carries speech both ways through menu, queue, hold, a reload and a transfer', async () => {
    const agentA = await openSoftphone(agents, webUrl, first);
    const agentB = await openSoftphone(agents, webUrl, second);
    for (const page of [agentA, agentB])
      await expect.poll(() => page.getByRole('status', { name: 'Audio' }).textContent()).toBe('Audio: on');
    const answeredBefore = await salesAnswered();
    const wallboard = await openWallboard(agents, webUrl, supervisor);
    const shows = (agentId: string, state: string) =>
      expect
        .poll(() => wallboard.getByTestId(`state-${agentId}`).textContent(), { timeout: 5_000 })
        .toBe(state);
    await shows(first.agentId, 'Not ready · Just logged in');
    await agentA.getByRole('button', { name: /^Go ready/ }).click();
    await expect.poll(() => agentStatus(agentA)).toBe('Available');
    await shows(first.agentId, 'Available');
    await wallboard.screenshot({ path: join(screenshots, 'wallboard-idle.png') });

    const phone: Page = await callers.newPage({ viewport: { width: 1366, height: 768 } });
    await phone.goto(`${webUrl}/phone`);
    await expect.poll(() => phone.getByLabel('Number to call').inputValue()).toBe(demo.number);
    await phone.getByRole('button', { name: 'Call' }).click();
    const heard = phone.getByRole('list', { name: 'What you hear' });
    await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('For sales, press 1.');
    await phone.getByRole('button', { name: 'Key 1' }).click();
    await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('Connecting you to sales.');

    await expect.poll(() => agentStatus(agentA), { timeout: 10_000 }).toBe('Incoming call');
    await expect.poll(() => agentA.getByTestId('screen-pop').textContent()).toContain(demo.number);
    await agentA.getByRole('button', { name: /^Accept/ }).click();
    await expect.poll(() => agentStatus(agentA)).toBe('On a call');
    await shows(first.agentId, 'On a call');
    const toAgent = await hearsSpeech(() => softphoneAudio(agentA), 'the agent hears the caller');
    const toCaller = await hearsSpeech(() => phoneAudio(phone), 'the caller hears the agent');
    expect(toAgent.packetsSent).toBeGreaterThan(50);
    expect(toCaller.packetsSent).toBeGreaterThan(50);
    await phone.screenshot({ path: join(screenshots, 'customer-phone.png') });
    await accessible(phone, 'customer phone');

    // The supervisor listens: hears the call, and is heard by neither.
    await wallboard.getByRole('button', { name: /^Listen/ }).click();
    await expect
      .poll(() => wallboard.getByRole('status', { name: 'Monitoring' }).textContent())
      .toMatch(/^Listening to/);
    await hearsSpeech(() => wallboardAudio(wallboard), 'the supervisor hears the call');
    await wallboard.screenshot({ path: join(screenshots, 'wallboard-on-call.png') });
    await accessible(wallboard, 'wallboard');
    await wallboard.getByRole('button', { name: /^Stop monitoring/ }).click();
    await expect.poll(() => wallboard.getByRole('status', { name: 'Monitoring' }).count()).toBe(0);

    // The supervisor whispers: the agent hears the coaching, the caller hears only the agent.
    await wallboard.getByRole('button', { name: /^Whisper/ }).click();
    await expect
      .poll(() => agentA.getByRole('status', { name: 'Coaching' }).textContent())
      .toBe('Supervisor whispering');
    await hearsSpeech(() => softphoneAudio(agentA, 'coach'), 'the agent hears the whisper');
    expect((await phoneAudio(phone))?.audible).toBe(1);
    await wallboard.getByRole('button', { name: /^Stop monitoring/ }).click();
    await expect
      .poll(() => agentA.getByRole('status', { name: 'Coaching' }).count(), { timeout: 5_000 })
      .toBe(0);

    // Hold: neither hears the other; resume: both do again.
    await agentA.getByRole('button', { name: /^Hold/ }).click();
    await silent(() => phoneAudio(phone));
    await silent(() => softphoneAudio(agentA));
    await agentA.getByRole('button', { name: /^Resume/ }).click();
    await hearsSpeech(() => phoneAudio(phone), 'the caller hears the agent after resume');
    await hearsSpeech(() => softphoneAudio(agentA), 'the agent hears the caller after resume');

    // A reload keeps the call: controls and audio are back within 5 s.
    const reloadedAt = Date.now();
    await agentA.reload();
    await expect.poll(() => agentStatus(agentA), { timeout: 5_000 }).toBe('On a call');
    await agentA.getByRole('button', { name: /^Hold/ }).waitFor({ timeout: 5_000 });
    await expect
      .poll(async () => ((await softphoneAudio(agentA))?.audible ?? 0) > 0, { timeout: 5_000 })
      .toBe(true);
    expect(Date.now() - reloadedAt).toBeLessThan(5_000);
    await hearsSpeech(() => softphoneAudio(agentA), 'the agent hears the caller after the reload');

    // A blind transfer to the second agent, who accepts and hears the caller.
    await agentB.getByRole('button', { name: /^Go ready/ }).click();
    await agentA.getByLabel('Transfer to').selectOption('agentId');
    await agentA.getByLabel('Queue, agent id or number').fill(second.agentId);
    await agentA.getByRole('button', { name: /^Blind transfer/ }).click();
    await expect.poll(() => agentStatus(agentA)).toBe('After-call work');
    await shows(first.agentId, 'After-call work');
    await expect.poll(() => agentStatus(agentB), { timeout: 10_000 }).toBe('Incoming call');
    await shows(second.agentId, 'Ringing');
    await agentB.getByRole('button', { name: /^Accept/ }).click();
    await expect.poll(() => agentStatus(agentB)).toBe('On a call');
    await shows(second.agentId, 'On a call');
    await hearsSpeech(() => softphoneAudio(agentB), 'the second agent hears the caller');

    await phone.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => agentStatus(agentB), { timeout: 10_000 }).toBe('After-call work');
    // The first agent's timed wrap-up (the demo queue's: 10 s) may have ended meanwhile.
    expect(['After-call work', 'Available']).toContain(await agentStatus(agentA));
    await expect.poll(() => phone.getByTestId('phone-status').textContent()).toMatch(/^Call ended/);
    await shows(second.agentId, 'After-call work');
    // The queue answered the call once (the transfer does not count it again).
    expect(await salesAnswered()).toBe((answeredBefore ?? 0) + 1);
    expect(await wallboard.getByTestId('sales-waiting').textContent()).toBe('0');
  });
});
