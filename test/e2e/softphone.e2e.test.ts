/**
 * The agent softphone in real headless Chromium against the local cloud: an agent signs in, goes ready with
 * a shortcut, hears an offer ring with the caller's details popped on screen (IVR attributes, recent
 * calls), accepts, holds and resumes, reloads the page mid-call and gets the call and its controls back,
 * then wraps up with a disposition; a second offer is declined. Screenshots at 1366×768 (idle, ringing,
 * on a call) and an accessibility check (axe-core) on each.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PstnClient } from '../../infra/local/chime/pstn-client.ts';
import { type TenantId, tenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { launchBrowser } from '../support/browser.ts';
import { contactCenter, type TestContactCenter } from '../support/contact-center.ts';
import { type IvrTenant, ivrTenant } from '../support/ivr-tenant.ts';
import { localCloud } from '../support/local-cloud.ts';
import { accessible, openSoftphone } from '../support/softphone-page.ts';
import { repoRoot } from '../support/start-local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;
const screenshots = join(repoRoot, 'test-results', 'screenshots');

let browser: Browser;
let phones: PstnClient;
let tenant: IvrTenant;
let center: TestContactCenter;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await launchBrowser();
  phones = await PstnClient.connect(webUrl);
  tenant = await ivrTenant(cloud, 'softphone');
  await tenant.publish({
    schemaVersion: 1,
    name: 'sales with a tag',
    languages: ['en-US'],
    start: 'tag',
    nodes: {
      tag: { type: 'setAttribute', values: { intent: 'new order', tier: 'gold' }, next: 'q' },
      q: { type: 'enqueue', queue: 'sales' },
    },
  });
  center = await contactCenter(webUrl, {
    tenantId: tenant.tenant,
    queues: { sales: { name: 'Sales', acwSeconds: null } },
    agents: 1,
  });
});

afterAll(async () => {
  await browser?.close();
  phones?.close();
});

/** Closes every WebSocket connection of the agent from the gateway's side (its management API). */
async function closeConnections(tenant: TenantId, agentId: string): Promise<void> {
  const found = await cloud.clients.documents.send(
    new QueryCommand({
      TableName: cloud.config.tables.live,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :connections)',
      ExpressionAttributeValues: { ':pk': liveKeys.agentState(tenant, agentId).pk, ':connections': 'CONN#' },
    }),
  );
  expect(found.Items?.length).toBeGreaterThan(0);
  for (const item of found.Items ?? []) {
    const closed = await fetch(`${webUrl}/_gateway/ws/@connections/${String(item.connectionId)}`, {
      method: 'DELETE',
    });
    expect(closed.status).toBeLessThan(300);
  }
}

const status = (page: Page) => page.getByTestId('agent-status');

describe('the agent softphone', () => {
  it('takes a call from sign-in to wrap-up, survives a reload mid-call, and declines an offer', async () => {
    const [agent] = center.agents as [TestContactCenter['agents'][number]];
    const page = await openSoftphone(browser, webUrl, agent);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await expect.poll(() => status(page).textContent()).toBe('Not ready · Just logged in');
    // This browser has no microphone: the agent can listen, and is told.
    await expect
      .poll(() => page.getByRole('status', { name: 'Audio' }).textContent())
      .toBe('Audio: no microphone');
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toBe('Connected');
    // The connection drops: the page says so, reconnects by itself, and reads back what it missed.
    // (The gateway closes the agent's connections, as API Gateway does to idle or old ones.)
    const connection = page.getByRole('status', { name: 'Connection' });
    const reconnecting = page.waitForFunction(
      () =>
        document.querySelector('[aria-label="Connection"]')?.textContent ===
        'Connection lost · reconnecting…',
    );
    await closeConnections(tenantId(agent.tenantId), agent.agentId);
    await reconnecting;
    await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toBe('Connected');
    await page.keyboard.press('Alt+KeyR');
    await expect.poll(() => status(page).textContent()).toBe('Available');
    await page.screenshot({ path: join(screenshots, 'softphone-idle.png') });
    await accessible(page, 'idle');

    const regular = '+14255556001';
    const caller = await phones.dial(regular, tenant.number);
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('Incoming call');
    const pop = page.getByTestId('screen-pop');
    await expect.poll(() => pop.textContent(), { timeout: 10_000 }).toContain(regular);
    const attributes = page.getByRole('table', { name: 'Call attributes' });
    expect(await attributes.getByRole('row', { name: /intent new order/ }).count()).toBe(1);
    expect(await attributes.getByRole('row', { name: /tier gold/ }).count()).toBe(1);
    expect(await page.getByTestId('caller-number').textContent()).toBe(regular);
    await page.screenshot({ path: join(screenshots, 'softphone-ringing.png') });
    await accessible(page, 'ringing');

    await page.keyboard.press('Alt+KeyA');
    await expect.poll(() => status(page).textContent()).toBe('On a call');
    await page.getByRole('button', { name: /^Hold/ }).click();
    await expect.poll(() => status(page).textContent()).toBe('On a call · caller on hold');
    await caller.waitToHear(/hold-music/);
    await page.getByRole('button', { name: /^Resume/ }).click();
    await expect.poll(() => status(page).textContent()).toBe('On a call');
    // The keypad plays tones to the caller.
    await page.getByText('Keypad (tones to the caller)').click();
    await page.getByRole('button', { name: 'Key 5' }).click();
    await expect
      .poll(() => caller.heard.some((h) => h.kind === 'tones' && h.digits === '5'), { timeout: 10_000 })
      .toBe(true);
    // The recording pauses while the caller reads a card number, and resumes.
    await page.getByRole('button', { name: /^Pause recording/ }).click();
    await page.getByRole('button', { name: /^Resume recording/ }).click();
    await page.getByRole('button', { name: /^Pause recording/ }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(screenshots, 'softphone-on-call.png') });
    await accessible(page, 'on a call');

    // A reload keeps the call: the page signs back in from the tab's session and finds the agent on it.
    const reloadedAt = Date.now();
    await page.reload();
    await expect.poll(() => status(page).textContent(), { timeout: 5_000 }).toBe('On a call');
    await page.getByRole('button', { name: /^Hold/ }).waitFor({ timeout: 5_000 });
    expect(Date.now() - reloadedAt).toBeLessThan(5_000);
    expect(await pop.textContent()).toContain(regular);

    caller.hangup();
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('After-call work');
    await page.getByLabel('Disposition').selectOption('sale');
    await page.getByLabel('Notes').fill('ordered two boxes');
    await page.getByRole('button', { name: /^Finish wrap-up/ }).click();
    await expect.poll(() => status(page).textContent()).toBe('Available');
    const mine = page.getByRole('list', { name: 'Your recent calls' });
    await expect.poll(() => mine.textContent(), { timeout: 5_000 }).toContain(regular);
    await expect.poll(() => mine.textContent(), { timeout: 5_000 }).toContain('sale');

    // The next call from the same number shows the last one in its history; this one is declined.
    const again = await phones.dial(regular, tenant.number);
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('Incoming call');
    const history = page.getByRole('list', { name: 'Recent calls from this number' });
    await expect.poll(() => history.textContent(), { timeout: 10_000 }).toContain('sale');
    await page.getByRole('button', { name: /^Decline/ }).click();
    await expect.poll(() => status(page).textContent()).toBe('Available');
    again.hangup();

    // Not ready with one of the tenant's reasons.
    await page.getByLabel('Not-ready reason').selectOption('lunch');
    await page.keyboard.press('Alt+KeyN');
    await expect.poll(() => status(page).textContent()).toBe('Not ready · Lunch');
    expect(errors).toEqual([]);
  });

  it('refuses a wrong password and an account that is not an agent’s', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${webUrl}/agent`);
    await page.getByLabel('Email').fill(center.supervisor.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/Incorrect email or password/);
    await page.getByLabel('Password').fill(center.supervisor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/not an agent/);
    await page.close();
  });
});
