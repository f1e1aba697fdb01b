/**
 * The admin console in real Chromium, driven as an admin would: it lists the tenant's number, edits the IVR
 * flow with live validation (a broken document shows its problems and cannot be published; a good one is
 * published and a test call hears it), rolls back, saves a queue and an agent, makes an API key that then
 * works against the API, adds a webhook, and orders another number that goes live.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/auth.ts';
import { launchBrowser } from '../support/browser.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';
import { ScriptedCaller } from '../support/scripted-caller.ts';
import { openAdmin } from '../support/softphone-page.ts';
import { repoRoot } from '../support/start-local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;
let browser: Browser;
let shop: IvrTenant;

const flow = (greeting: string) => ({
  schemaVersion: 1,
  name: 'console flow',
  languages: ['en-US'],
  start: 'hi',
  nodes: { hi: { type: 'hangup', prompt: { say: { 'en-US': greeting } } } },
});

beforeAll(async () => {
  browser = await launchBrowser();
  shop = await ivrTenant(cloud, 'console');
  await shop.publish(flow('Version one speaking.'));
});
afterAll(async () => {
  await browser?.close();
});

describe('the admin console', () => {
  it('edits, validates, publishes and rolls back the flow; manages queues, agents, keys, hooks and numbers', async () => {
    const admin = await signIn(webUrl, { tenantId: shop.tenant, groups: ['admin'] });
    const page = await openAdmin(browser, webUrl, admin);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const numbers = page.getByRole('table', { name: 'Phone numbers' });
    expect(await numbers.textContent()).toContain(shop.number);

    // A broken flow: live validation lists the problem, and publishing it is refused with the reason.
    const editor = page.getByLabel('Flow main as JSON');
    await editor.waitFor();
    await editor.fill(JSON.stringify({ ...flow('x'), start: 'nowhere' }, null, 2));
    await expect.poll(() => page.getByTestId('flow-verdict').textContent()).toMatch(/problem/);
    expect(await page.getByTestId('flow-problems').textContent()).toMatch(/nowhere/);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/was not published/);
    // A good one is published, and a test call hears it.
    await editor.fill(JSON.stringify(flow('Version two speaking.'), null, 2));
    await expect.poll(() => page.getByTestId('flow-verdict').textContent()).toBe('Valid');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/version 2 is live/);
    const call = await ScriptedCaller.dial(shop.number);
    await call.hears(/Version two speaking/);
    await call.ends();
    // Rolled back, callers hear version one again.
    await page.getByRole('combobox', { name: 'Flow' }).selectOption('main');
    await page.getByRole('button', { name: 'Roll back to 1' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/back on version 1/);
    const again = await ScriptedCaller.dial(shop.number);
    await again.hears(/Version one speaking/);
    await again.ends();

    // Opening hours in front of the flow, and today a holiday: callers now hear that the shop is closed.
    await page.getByRole('button', { name: 'Add opening hours' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/Opening hours added: version 3/);
    const today = await page.evaluate(() =>
      new Intl.DateTimeFormat('en-CA', { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }).format(
        new Date(),
      ),
    );
    await page.getByLabel('Holidays, one date (YYYY-MM-DD) a line').fill(today);
    await page.getByLabel('Saturday closed').uncheck();
    await page.getByRole('button', { name: 'Save hours' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/Opening hours saved: version 4/);
    const closed = await ScriptedCaller.dial(shop.number);
    await closed.hears(/We are closed right now/);
    closed.hangUp();
    const saved = await fetch(`${webUrl}/api/v1/flows/main`, {
      headers: { authorization: admin.authorization },
    });
    const hours = (
      (await saved.json()) as { published: { document: { nodes: { hours: Record<string, unknown> } } } }
    ).published.document.nodes.hours;
    expect(hours).toMatchObject({ holidays: [today], weekly: { sat: [['09:00', '17:00']] } });

    // A queue and an agent, as JSON the API validates (a mistake shows its problem, nothing is saved).
    await page.getByLabel('Queue to save').fill('billing');
    await page.getByLabel(/Queue settings/).fill('{"name": "Billing", "strategy": "sideways"}');
    await page.getByRole('button', { name: 'Save queue' }).click();
    await expect.poll(() => page.getByTestId('queue-json-problems').textContent()).toMatch(/strategy/);
    await page.getByLabel(/Queue settings/).fill('{"name": "Billing", "strategy": "round-robin"}');
    await page.getByRole('button', { name: 'Save queue' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Queues' }).textContent()).toContain('Billing');
    await page.getByLabel('Agent to save').fill('ada');
    await page
      .getByLabel(/Agent profile/)
      .fill('{"name": "Ada", "skills": {"billing": 4}, "queues": {"billing": 1}}');
    await page.getByRole('button', { name: 'Save agent' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Agents' }).textContent()).toContain('billing 4');

    // An API key: shown once, and it works against the API within its scope.
    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByRole('checkbox', { name: 'queues:read' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/olk_/);
    const key = /(olk_\S+)/.exec((await page.getByRole('alert').first().textContent()) ?? '')?.[1] ?? '';
    const viaKey = await fetch(`${webUrl}/api/v1/queues`, { headers: { authorization: `Bearer ${key}` } });
    expect(viaKey.status).toBe(200);
    expect(JSON.stringify(await viaKey.json())).toContain('Billing');
    expect(await page.getByRole('table', { name: 'API keys' }).textContent()).toContain('CRM');

    // A webhook endpoint: the first one shows the tenant's signing secret.
    await page.getByLabel('URL').fill('https://crm.example.com/openline');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/whsec_/);
    expect(await page.getByRole('table', { name: 'Webhook endpoints' }).textContent()).toContain(
      'crm.example.com',
    );

    // Another number, followed until live.
    await page.getByLabel('Area code').fill('312');
    await page.getByRole('button', { name: 'Order a number' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 })
      .toMatch(/is live/);
    await expect
      .poll(async () => await page.getByRole('table', { name: 'Phone numbers' }).locator('tbody tr').count())
      .toBe(2);

    // An invited supervisor: the temporary password once, then a password of their own, then the wallboard.
    const invitee = `sup-${Date.now()}@console.test`;
    await page.getByLabel('Email', { exact: true }).fill(invitee);
    await page.getByRole('checkbox', { name: 'agent' }).first().uncheck();
    await page.getByRole('checkbox', { name: 'supervisor' }).first().check();
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/Temporary password/);
    const temporary =
      /Temporary password[^:]*: (\S+)/.exec(
        (await page.getByRole('alert').first().textContent()) ?? '',
      )?.[1] ?? '';
    expect(await page.getByRole('table', { name: 'Users' }).textContent()).toContain(invitee);
    const board = await browser.newPage();
    await board.goto(`${webUrl}/wallboard`);
    await board.getByLabel('Email').fill(invitee);
    await board.getByLabel('Password', { exact: true }).fill(temporary);
    await board.getByRole('button', { name: 'Sign in' }).click();
    await board.getByLabel('New password').fill('Chosen-by-me-1');
    await board.getByRole('button', { name: 'Sign in' }).click();
    await board.getByRole('table', { name: 'Agents' }).waitFor();
    await board.close();

    const dir = join(repoRoot, 'test-results', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'admin-console.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('keeps agents and supervisors out', async () => {
    const agent = await signIn(webUrl, { tenantId: shop.tenant, groups: ['agent'] });
    const page = await browser.newPage();
    await page.goto(`${webUrl}/admin`);
    await page.getByLabel('Email').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/not an admin’s/);
  });
});
