/** The web pages as a user drives them in the browser tests: an agent's softphone, the customer phone. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from './auth.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A page of the web app, signed in through its form, at 1366×768. */
async function signedIn(browser: Browser, url: string, user: TestUser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(url);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/** The agent's softphone, signed in. */
export async function openSoftphone(browser: Browser, webUrl: string, user: TestUser): Promise<Page> {
  const page = await signedIn(browser, `${webUrl}/agent`, user);
  await expect.poll(() => agentStatus(page)).not.toBe('Offline');
  return page;
}

/** The supervisor's wallboard, signed in and live. */
export async function openWallboard(browser: Browser, webUrl: string, user: TestUser): Promise<Page> {
  const page = await signedIn(browser, `${webUrl}/wallboard`, user);
  await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toBe('Live');
  await page.getByRole('table', { name: 'Agents' }).waitFor();
  return page;
}

/** The tenant admin's console, signed in, with its sections read. */
export async function openAdmin(browser: Browser, webUrl: string, user: TestUser): Promise<Page> {
  const page = await signedIn(browser, `${webUrl}/admin`, user);
  await page.getByRole('table', { name: 'Phone numbers' }).waitFor();
  return page;
}

export const agentStatus = (page: Page) => page.getByTestId('agent-status').textContent();

/** What the page's audio has sent and received so far (its WebRTC statistics). */
export interface AudioStats {
  readonly audible: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly audioLevel: number;
  readonly totalAudioEnergy: number;
}

/** The softphone's audio: its own meeting, or a coaching seat (a supervisor whispering). */
export const softphoneAudio = (page: Page, seat: 'own' | 'coach' = 'own') =>
  page.evaluate(async (which) => {
    const stats = (await window.openline?.mediaStats()) as Record<string, unknown> | undefined;
    return stats?.[which] as AudioStats | undefined;
  }, seat);

export const phoneAudio = (page: Page) =>
  page.evaluate(async () => (await window.openlinePhone?.mediaStats()) as AudioStats | undefined);

export const wallboardAudio = (page: Page) =>
  page.evaluate(async () => (await window.openlineWallboard?.mediaStats()) as AudioStats | undefined);

/** No accessibility violations axe-core rates serious or critical. */
export async function accessible(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, view).toEqual([]);
}
