/**
 * Debian's Chromium, driven by playwright-core, for the real-browser tests. Absent on a machine
 * without `apt-get install -y chromium`: the tests then skip and say so.
 */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from '../support/tmp.js';

/** Debian's package; LEDGER_TEST_CHROMIUM points elsewhere (or, set to a missing path, shows the skip). */
export const CHROMIUM_PATH = process.env.LEDGER_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
export const NO_CHROMIUM_MESSAGE = `skipped: ${CHROMIUM_PATH} is absent (install it with: apt-get install -y chromium)`;

/** Headless, no sandbox (containers), and nothing that would reach the network on its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A browser with a fresh profile (its own --user-data-dir), removed on close. */
export async function launchChromium(): Promise<Chromium> {
  const profile = tempDir('ledger-chromium-profile-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      profile.cleanup();
    },
  };
}
