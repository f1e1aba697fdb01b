/** Real headless Chromium (Debian's package) driven by playwright-core, with the flags that work here. */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const candidates = [process.env.OPENLINE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const found = candidates.find((p): p is string => p !== undefined && existsSync(p));
  if (found === undefined) {
    throw new Error(
      'Chromium is not installed: run `sudo apt-get install -y chromium` (or set OPENLINE_CHROMIUM)',
    );
  }
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
