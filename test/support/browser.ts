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

/**
 * Headless Chromium. With `microphone` (a 48 kHz WAV), pages get a fake microphone that plays it in a loop,
 * WebRTC works on loopback, and audio plays without a user gesture.
 */
export function launchBrowser(options: { microphone?: string } = {}): Promise<Browser> {
  const media =
    options.microphone === undefined
      ? []
      : [
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          `--use-file-for-fake-audio-capture=${options.microphone}`,
          '--allow-loopback-in-peer-connection',
          '--autoplay-policy=no-user-gesture-required',
        ];
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
      ...media,
    ],
  });
}
