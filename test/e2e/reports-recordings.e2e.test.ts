/**
 * Reports and recordings in the admin console, in real Chromium: a recorded call is found by its caller and
 * its agent, plays in the page as audio of the call's length (a WAV behind the signed link), takes a legal
 * hold; another tenant's admin never finds it; the inbound-calls report lists it and exports it as CSV, the
 * daily-traffic report charts it, and today's tiles count it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomTenantId, signIn, type TestUser } from '../support/auth.ts';
import { launchBrowser } from '../support/browser.ts';
import { api, type TestDesk } from '../support/contact-center.ts';
import { type DeskRig, deskRig } from '../support/desk-rig.ts';
import { localCloud } from '../support/local-cloud.ts';
import { accessible, openAdmin } from '../support/softphone-page.ts';
import { repoRoot } from '../support/start-local-cloud.ts';

const cloud = localCloud();
const { webUrl } = cloud;

let browser: Browser;
let rig: DeskRig;
let desk: TestDesk;
let callId: string;
let callerNumber: string;
let durationS: number;
let today: string;

beforeAll(async () => {
  [browser, rig] = await Promise.all([
    launchBrowser(),
    deskRig(cloud, {
      name: 'rr',
      queues: { sales: { name: 'Sales', acwSeconds: null, record: true } },
      agents: 1,
      firstCaller: 7200,
    }),
  ]);
  desk = rig.desks[0] as TestDesk;
});

afterAll(async () => {
  await rig?.close();
  await browser?.close();
});

/** A WAV's length in seconds, from its header (the data chunk's size over the byte rate). */
function wavSeconds(bytes: Buffer): number {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  const byteRate = bytes.readUInt32LE(28);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') return size / byteRate;
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** Submits the recordings search with these filters, and returns the call ids it lists. */
async function searchRecordings(
  page: Page,
  filters: { caller?: string; agent?: string },
): Promise<{ ids: string[]; status: string }> {
  const recordings = page.locator('[data-section="recordings"]');
  await recordings.getByLabel('Caller number').fill(filters.caller ?? '');
  await recordings.getByLabel('Agent id').fill(filters.agent ?? '');
  await recordings.getByRole('button', { name: 'Search recordings' }).click();
  const status = recordings.getByTestId('recordings-status');
  await expect.poll(() => status.textContent()).not.toBe('Searching…');
  const ids = await recordings
    .locator('table[aria-label="Recordings"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-call-id') ?? ''));
  return { ids, status: (await status.textContent()) ?? '' };
}

/** Runs the chosen report from `today` to `today` and returns the status line once it has answered. */
async function runReport(reports: Locator, name: string): Promise<string> {
  await reports.getByLabel('Report', { exact: true }).selectOption(name);
  await reports.getByLabel('From', { exact: true }).fill(today);
  await reports.getByLabel('To', { exact: true }).fill(today);
  await reports.getByRole('button', { name: 'Run', exact: true }).click();
  const status = reports.getByTestId('report-status');
  await expect.poll(() => status.textContent(), { timeout: 20_000 }).not.toBe('Running…');
  return (await status.textContent()) ?? '';
}

/** The admin console of a tenant that may have no number yet: signed in, with its recordings read. */
async function openConsole(user: TestUser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${webUrl}/admin`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-section="recordings"]').getByTestId('recordings-status').waitFor();
  return page;
}

describe('reports and recordings in the admin console', () => {
  it('records a call, indexed and counted from the call-events stream', async () => {
    // A recorded call: answered, ~3 s of talk, hung up by the caller, wrapped up.
    await rig.onlyReady(desk);
    const { caller, callId: id } = await rig.connectedTo(desk);
    callId = id;
    callerNumber = caller.from;
    await new Promise((r) => setTimeout(r, 2_500));
    caller.hangup();
    await expect.poll(async () => (await desk.state()).status, { timeout: 10_000 }).toBe('after-call');
    expect((await desk.call('POST', '/agent/wrap-up', { code: 'resolved' })).status).toBe(200);
    // The index and today's counters follow the call-events stream: wait for both before opening the page.
    const admin = rig.center.admin;
    await expect
      .poll(
        async () =>
          (await api(webUrl, admin, 'GET', `/recordings?caller=${encodeURIComponent(callerNumber)}`)).body
            .recordings,
        { timeout: 20_000, interval: 500 },
      )
      .toHaveLength(1);
    const found = (await api(webUrl, admin, 'GET', `/recordings/${callId}`)).body.recording as {
      durationS: number;
    };
    durationS = found.durationS;
    await expect
      .poll(
        async () =>
          ((await api(webUrl, admin, 'GET', '/counters/today')).body.total as { calls: number }).calls,
        { timeout: 20_000, interval: 500 },
      )
      .toBeGreaterThanOrEqual(1);
    today = String((await api(webUrl, admin, 'GET', '/counters/today')).body.date);
  });

  it('finds a recorded call by caller and agent, plays it, holds it; another tenant never sees it', async () => {
    const page = await openAdmin(browser, webUrl, rig.center.admin);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const recordings = page.locator('[data-section="recordings"]');
    await recordings.getByTestId('recordings-status').waitFor();

    expect(await searchRecordings(page, { caller: '+19995550000' })).toEqual({
      ids: [],
      status: 'No recordings match.',
    });
    expect((await searchRecordings(page, { caller: callerNumber })).ids).toEqual([callId]);
    expect((await searchRecordings(page, { agent: 'someone-else' })).ids).toEqual([]);
    expect((await searchRecordings(page, { agent: desk.agentId })).ids).toEqual([callId]);
    const row = recordings.locator(`tr[data-call-id="${callId}"]`);
    expect(await row.textContent()).toContain(callerNumber);
    expect(await row.textContent()).toContain('resolved');

    // Play: the one player loads the signed link, and its length is the call's.
    await row.getByRole('button', { name: /^Play/ }).click();
    const player = page.locator(`audio[data-testid="recording-player"][data-call-id="${callId}"]`);
    await player.waitFor({ state: 'attached' });
    const audio = await player.evaluate(
      (element: HTMLAudioElement) =>
        new Promise<{ duration: number; src: string }>((resolve, reject) => {
          const done = () => resolve({ duration: element.duration, src: element.currentSrc || element.src });
          if (element.readyState >= 1) return done();
          element.addEventListener('loadedmetadata', done, { once: true });
          element.addEventListener('error', () => reject(new Error(`audio error ${element.error?.code}`)), {
            once: true,
          });
        }),
    );
    expect(Math.abs(audio.duration - durationS)).toBeLessThan(1);
    expect(audio.duration).toBeGreaterThan(2);
    const wav = await fetch(audio.src);
    expect(wav.status).toBe(200);
    const seconds = wavSeconds(Buffer.from(await wav.arrayBuffer()));
    expect(Math.abs(seconds - durationS)).toBeLessThan(1);

    // A legal hold, put on and taken off from the table.
    const hold = row.getByTestId('legal-hold');
    const held = async () =>
      (
        (await api(webUrl, rig.center.admin, 'GET', `/recordings/${callId}`)).body.recording as {
          legalHold: boolean;
        }
      ).legalHold;
    await hold.check();
    await expect.poll(held).toBe(true);
    await expect.poll(() => hold.isEnabled()).toBe(true);
    await hold.uncheck();
    await expect.poll(held).toBe(false);

    // Retention: kept for 24 months from now on.
    await recordings.getByLabel('Keep recordings for').fill('24');
    await recordings.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/kept for 24 months/);
    expect((await api(webUrl, rig.center.admin, 'GET', '/recording-settings')).body).toEqual({ months: 24 });

    // Outside its time range, the call is not found.
    await recordings.getByLabel('Started after').fill('2020-01-01T00:00');
    await recordings.getByLabel('Started before').fill('2020-01-02T00:00');
    expect(await searchRecordings(page, { caller: callerNumber })).toEqual({
      ids: [],
      status: 'No recordings match.',
    });

    await accessible(page, 'admin console: recordings');
    expect(errors).toEqual([]);
    await page.close();

    // Another tenant's admin searches the same caller and finds nothing.
    const other = await signIn(webUrl, { tenantId: randomTenantId('rr-other'), groups: ['admin'] });
    const elsewhere = await openConsole(other);
    expect(await searchRecordings(elsewhere, { caller: callerNumber })).toEqual({
      ids: [],
      status: 'No recordings match.',
    });
    await elsewhere.close();
  });

  it('runs the inbound-calls report with the call, exports it as CSV, charts daily traffic, counts today', async () => {
    const page = await openAdmin(browser, webUrl, rig.center.admin);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const reports = page.locator('[data-section="reports"]');

    // Today's tiles count the call.
    expect(Number(await reports.getByTestId('today-calls').textContent())).toBeGreaterThanOrEqual(1);

    // Inbound calls for today: the lake lags the call by a few seconds, so run it again until it has it.
    const table = reports.getByRole('table', { name: 'Report: Inbound calls' });
    const listed = async () => {
      await runReport(reports, 'inbound-detail');
      return (await table.count()) === 0 ? '' : ((await table.textContent()) ?? '');
    };
    await expect.poll(listed, { timeout: 20_000, interval: 1_000 }).toContain(callId);
    const callRow = table.locator('tbody tr', { hasText: callId });
    expect(await callRow.count()).toBe(1);
    expect(await callRow.locator('td').first().textContent()).toBe(callId);
    expect(await callRow.textContent()).toContain(callerNumber);
    expect(await table.locator('td.num').count()).toBeGreaterThan(0);
    expect(await reports.getByTestId('report-chart').count()).toBe(0);

    // Export CSV: the rows shown, with the column names first.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      reports.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`inbound-detail-${today}-${today}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^call_id,started_at,caller_number,called_number,/);
    // One row for the call (its id also appears in its recording's location, on the same row).
    const rows = lines.filter((l) => l.includes(callId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.startsWith(`${callId},`)).toBe(true);
    expect(rows[0]).toContain(callerNumber);
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(await table.locator('tbody tr').count());

    // Daily traffic: a bar for today, with its figure.
    expect(await runReport(reports, 'daily-traffic')).toMatch(/1 row/);
    const chart = reports.getByTestId('report-chart');
    expect(await chart.getAttribute('aria-label')).toMatch(/calls by call_date/);
    expect(await chart.locator('title').first().textContent()).toMatch(/Daily traffic: calls by call_date/);
    const bar = chart.locator(`g.bar[data-key="${today}"]`);
    expect(await bar.count()).toBe(1);
    expect(Number(await bar.getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    expect(Number(await bar.locator('rect').getAttribute('width'))).toBeGreaterThan(0);

    // A bad range: the API's message.
    await reports.getByLabel('From', { exact: true }).fill('2020-01-01');
    await reports.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => reports.getByTestId('report-status').textContent())
      .toMatch(/did not run: .*3 years/);

    await runReport(reports, 'daily-traffic');
    await accessible(page, 'admin console: reports');
    const dir = join(repoRoot, 'test-results', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'admin-reports-recordings.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
