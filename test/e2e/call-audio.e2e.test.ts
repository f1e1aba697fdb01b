/**
 * A call with real audio, in real headless Chromium: the customer phone page dials the tenant's number,
 * hears the menu, presses 1 and waits in the queue; the agent's softphone gets the offer with its screen
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
import { launchBrowser } from '../support/browser.ts';
import { contactCenter, type TestContactCenter } from '../support/contact-center.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
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
let tenant: IvrTenant;
let center: TestContactCenter;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  [callers, agents] = await Promise.all([
    launchBrowser({ microphone: join(fixtures, 'caller-speech.wav') }),
    launchBrowser({ microphone: join(fixtures, 'agent-speech.wav') }),
  ]);
  tenant = await ivrTenant(cloud, 'audio');
  const say = (text: string) => ({ say: { 'en-US': text } });
  await tenant.publish({
    schemaVersion: 1,
    name: 'menu to sales',
    languages: ['en-US'],
    start: 'menu',
    nodes: {
      menu: {
        type: 'menu',
        prompt: say('Welcome to the shop. For sales, press 1.'),
        options: { '1': 'queue' },
        timeoutSeconds: 5,
        exhausted: 'bye',
      },
      queue: { type: 'enqueue', queue: 'sales', prompt: say('Please hold for the next agent.') },
      bye: { type: 'hangup', prompt: say('Goodbye.') },
    },
  });
  center = await contactCenter(webUrl, {
    tenantId: tenant.tenant,
    queues: { sales: { name: 'Sales', acwSeconds: null } },
    agents: 2,
  });
});

afterAll(async () => {
  await Promise.all([callers?.close(), agents?.close()]);
});

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
    const [first, second] = center.agents as [
      TestContactCenter['agents'][number],
      TestContactCenter['agents'][number],
    ];
    const agentA = await openSoftphone(agents, webUrl, first);
    const agentB = await openSoftphone(agents, webUrl, second);
    for (const page of [agentA, agentB])
      await expect.poll(() => page.getByRole('status', { name: 'Audio' }).textContent()).toBe('Audio: on');
    const wallboard = await openWallboard(agents, webUrl, center.supervisor);
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
    await phone.getByLabel('Number to call').fill(tenant.number);
    await phone.getByRole('button', { name: 'Call' }).click();
    const heard = phone.getByRole('list', { name: 'What you hear' });
    await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('For sales, press 1.');
    await phone.getByRole('button', { name: 'Key 1' }).click();
    await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('Please hold');

    await expect.poll(() => agentStatus(agentA), { timeout: 10_000 }).toBe('Incoming call');
    await expect.poll(() => agentA.getByTestId('screen-pop').textContent()).toContain(tenant.number);
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
    expect(await agentStatus(agentA)).toBe('After-call work');
    await expect.poll(() => phone.getByTestId('phone-status').textContent()).toMatch(/^Call ended/);
    await shows(second.agentId, 'After-call work');
    // The queue answered the call once (the transfer does not count it again), within its target.
    await expect.poll(() => wallboard.getByTestId('sales-service-level').textContent()).toBe('100%');
    expect(await wallboard.getByTestId('sales-waiting').textContent()).toBe('0');
    expect(await wallboard.getByTestId('sales-abandoned').textContent()).toBe('0');
  });
});
