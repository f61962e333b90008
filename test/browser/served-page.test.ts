/**
 * The README's auditor flow in a real browser, end to end on the real server (dist/, as
 * `npm start` runs it, on port 0): the first start's dev tokens, one posted record, then the
 * page the server serves at GET /verify, given the files an auditor saved with curl: the day's
 * bundle (provisional: the period is open), the entry's `.tlog-proof` and a signed checkpoint,
 * with the key pasted as `curl /v1/key` saved it (the JSON). Each must say VERIFIED; the same
 * proof under another log's key must not. Skips, saying why, where /usr/bin/chromium is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatVerifierKey } from '../../src/note/index.js';
import { rotation, testSigner } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launchChromium, type Chromium } from './chromium.js';

const CLI = path.resolve('dist/src/cli/main.js');
const PAGE = path.resolve('dist/web/index.html');
const DEADLINE_MS = 30_000;

if (!HAVE_CHROMIUM) console.warn(`test/browser/served-page.test.ts: ${NO_CHROMIUM_MESSAGE}`);

/** Polls `probe` until it returns a value, or fails after `what` took too long. */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!HAVE_CHROMIUM)(`the page GET /verify serves, in Chromium${HAVE_CHROMIUM ? '' : ` (${NO_CHROMIUM_MESSAGE})`}`, () => {
  let dir: { dir: string; cleanup: () => void };
  let server: ChildProcess | undefined;
  let browser: Chromium;
  let url = '';
  let savedKey = '';
  const file = (name: string) => path.join(dir.dir, name);

  beforeAll(async () => {
    for (const built of [CLI, PAGE]) if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
    dir = tempDir('ledger-served-page-');
    server = spawn(process.execPath, [CLI, 'serve'], {
      env: {
        ...process.env,
        PORT: '0',
        LEDGER_DB: file('ledger.db'),
        LEDGER_KEY_FILE: file('ledger.key'),
        LEDGER_CHECKPOINT_INTERVAL_MS: '100',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    url = await until('the server to listen', () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1]);
    const token = (role: string) => new RegExp(`^  ${role} +(elt_${role}_\\S+)$`, 'm').exec(out)?.[1];
    const [writer, auditor] = [token('writer'), token('auditor')];
    if (!writer || !auditor) throw new Error(`no dev tokens printed at first start:\n${out}`);

    const posted = await fetch(`${url}/v1/entries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(rotation(1)),
    });
    expect(posted.status).toBe(201);
    const { index, entry } = (await posted.json()) as { index: number; entry: { receivedAt: string } };
    // The entry is provable once a signed checkpoint covers it (within one interval).
    await until('a checkpoint covering the entry', async () => {
      const size = Number((await (await fetch(`${url}/v1/checkpoint`)).text()).split('\n')[1]);
      return size > index ? size : undefined;
    });
    const get = async (p: string) => {
      const res = await fetch(`${url}${p}`, { headers: { Authorization: `Bearer ${auditor}` } });
      expect([p, res.status]).toEqual([p, 200]);
      return res.text();
    };
    savedKey = await get('/v1/key');
    writeFileSync(file('day.json'), await get(`/v1/bundles?period=${entry.receivedAt.slice(0, 10)}`));
    writeFileSync(file(`entry-${index}.tlog-proof`), await get(`/v1/entries/${index}/tlog-proof`));
    writeFileSync(file('latest.checkpoint'), await get('/v1/checkpoint'));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }
    dir?.cleanup();
  });

  async function verify(page: Page, input: string, key: string): Promise<{ ok: boolean; verdict: string | null }> {
    await page.setInputFiles('#bundle-file', input);
    await page.fill('#verifier-key', key);
    await page.click('#verify-button');
    const result = page.locator('#result[data-ok]:not([hidden])');
    await result.waitFor({ timeout: DEADLINE_MS });
    return { ok: (await result.getAttribute('data-ok')) === 'true', verdict: await page.textContent('#verdict') };
  }

  it('verifies the bundle, the .tlog-proof and the checkpoint an auditor saved, with the saved /v1/key JSON', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    const loaded = await page.goto(`${url}/verify`);
    expect(loaded?.status()).toBe(200);

    const day = await verify(page, file('day.json'), savedKey);
    expect(day.ok).toBe(true);
    expect(day.verdict).toMatch(/^✓ VERIFIED: evidence bundle, 5 entries checked, period \d{4}-\d\d-\d\d \(PROVISIONAL: period still open, not a close\)$/);

    const proof = await verify(page, file('entry-4.tlog-proof'), savedKey);
    expect(proof).toEqual({ ok: true, verdict: '✓ VERIFIED: tlog-proof of entry 4' });

    const checkpoint = await verify(page, file('latest.checkpoint'), savedKey);
    expect(checkpoint.ok).toBe(true);
    expect(checkpoint.verdict).toMatch(/^✓ VERIFIED: checkpoint of tree size \d+$/);

    const otherKey = formatVerifierKey(testSigner('another log'));
    expect(await verify(page, file('entry-4.tlog-proof'), otherKey)).toMatchObject({ ok: false });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
