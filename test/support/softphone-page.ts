/** The web pages as a user drives them in the browser tests: an agent's softphone, the customer phone. */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from './auth.ts';

/** The agent's softphone, signed in through its form, at 1366×768. */
export async function openSoftphone(browser: Browser, webUrl: string, user: TestUser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${webUrl}/agent`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => agentStatus(page)).not.toBe('Offline');
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

export const softphoneAudio = (page: Page) =>
  page.evaluate(async () => {
    const stats = (await window.openline?.mediaStats()) as { own?: unknown; guest?: unknown } | undefined;
    return stats?.own as AudioStats | undefined;
  });

export const phoneAudio = (page: Page) =>
  page.evaluate(async () => (await window.openlinePhone?.mediaStats()) as AudioStats | undefined);
