import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; CI installs it (.ci/run). */
export const CHROMIUM = '/usr/bin/chromium';

/** A reason to skip a browser test, or false when Chromium is there (node:test's `skip`). */
export const skipWithoutChromium: string | false = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

/** Headless Debian Chromium as the browser tests run it: no sandbox (root in CI), no GPU, nothing fetched from outside. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}
