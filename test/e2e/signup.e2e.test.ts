/**
 * Sign-up in real Chromium, the whole path timed: the page's form (with its proof of work), the steps shown
 * until the number is live, then "Call it now": the customer phone page dials the new number through the
 * virtual PSTN and hears the new tenant's welcome and menu. Goal: under 10 s locally.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { localCloud } from '../support/local-cloud.ts';
import { repoRoot } from '../support/start-local-cloud.ts';

describe('sign-up page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs a new contact center up, shows its progress, and its number answers with its welcome', async () => {
    const { webUrl } = localCloud();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${webUrl}/signup`);
    await page.getByLabel('Company name').fill('Zephyr Bikes');
    await page
      .getByLabel('Your email (you sign in with it)')
      .fill(`owner-${randomUUID().slice(0, 8)}@zephyr.test`);
    await page.getByLabel('Password').fill('weak');
    await expect
      .poll(() => page.locator('#password-hint').textContent())
      .toMatch(/Still needed: .*uppercase/);
    await page.getByLabel('Password').fill('Zephyr-bikes-1!');
    await page.getByLabel('Area code (local numbers)').fill('415');

    const started = Date.now();
    await page.getByRole('button', { name: 'Create my contact center' }).click();
    const number = page.getByTestId('signup-number');
    await number.waitFor({ timeout: 30_000 });
    const liveMs = Date.now() - started;
    const phoneNumber = (await number.textContent()) ?? '';
    expect(phoneNumber).toMatch(/^\+1415555\d{4}$/);
    const steps = page.getByTestId('signup-steps').locator('li');
    expect(await steps.evaluateAll((items) => items.map((i) => i.getAttribute('data-state')))).toEqual(
      Array(6).fill('done'),
    );
    const dir = join(repoRoot, 'test-results', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'signup-live.png') });

    await page.getByRole('link', { name: 'Call it now' }).click();
    await expect.poll(() => page.getByLabel('Number to call').inputValue()).toBe(phoneNumber);
    await page.getByRole('button', { name: 'Call' }).click();
    const heard = page.getByRole('list', { name: 'What you hear' });
    await expect.poll(() => heard.textContent(), { timeout: 15_000 }).toMatch(/Welcome to Zephyr Bikes/);
    const welcomedMs = Date.now() - started;
    await expect.poll(() => heard.textContent(), { timeout: 15_000 }).toMatch(/To speak with us, press 1/);
    await page.getByRole('button', { name: 'Hang up' }).click();
    expect(errors).toEqual([]);
    console.log(
      `sign-up page: number live ${liveMs} ms after the click; its welcome heard ${welcomedMs} ms after it`,
    );
    expect(welcomedMs).toBeLessThan(60_000); // the goal (10 s) is reported, not asserted: timing is the bench's
  });

  it('lists every problem of a bad sign-up on the form', async () => {
    const page = await browser.newPage();
    await page.goto(`${localCloud().webUrl}/signup`);
    await page.getByLabel('Company name').fill('Z');
    await page.getByLabel('Your email (you sign in with it)').fill('admin@demo.openline.local');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create my contact center' }).click();
    const problems = page.getByTestId('signup-problems');
    await expect
      .poll(() => problems.textContent(), { timeout: 15_000 })
      .toMatch(/companyName must have at least 2/);
    expect(await problems.textContent()).toMatch(/password must have at least 8 characters/);
  });
});
