/** The web app served by the local cloud, in real Chromium: the status page shows every service up. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { localCloud } from '../support/local-cloud.ts';
import { repoRoot } from '../support/start-local-cloud.ts';

describe('status page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists every service of the local cloud as up', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(localCloud().webUrl);
    const overall = page.getByTestId('overall-status');
    await overall.waitFor();
    expect(await overall.textContent()).toBe('all services up');
    const table = page.getByRole('table', { name: 'Services' });
    for (const service of [
      'DynamoDB',
      'DynamoDB Streams',
      'Kinesis',
      'S3',
      'HTTP API',
      'WebSocket API',
      'Web app',
    ]) {
      const row = table
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: service, exact: true }) });
      expect(await row.getByRole('cell', { name: 'up', exact: true }).count(), service).toBe(1);
    }
    const dir = join(repoRoot, 'test-results', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'status-page.png') });
    expect(errors).toEqual([]);
  });
});
