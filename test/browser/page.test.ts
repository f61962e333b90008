/**
 * The auditor's page in a real browser (Debian's Chromium through playwright-core), opened from
 * disk as an auditor would open a saved copy: a 1,000-entry bundle from the real API verifies,
 * with the same JSON report as `ledger verify --json`; the same bundle with one leaf byte
 * flipped fails and names the entry; and the page makes no request at all. Screenshots go to
 * /tmp for a person to look at. Skips, saying why, where /usr/bin/chromium is absent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyCli } from '../../src/cli/verify.js';
import { openTestLedger, rotation, testSigner, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { fetchBundle, postBatch } from '../verify/scenario.js';
import { flipBase64Byte } from '../verify/tamper.js';
import { HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launchChromium, type Chromium } from './chromium.js';
import { buildWebPage } from './web-build.js';
import { formatVerifierKey } from '../../src/note/index.js';

const ENTRIES = 1000;
/** The entry whose leaf the tampered bundle changes. */
const TAMPERED_INDEX = 500;
export const SCREENSHOT_OK = '/tmp/evidence-ledger-verifier-ok.png';
export const SCREENSHOT_TAMPERED = '/tmp/evidence-ledger-verifier-tampered.png';

if (!HAVE_CHROMIUM) console.warn(`test/browser/page.test.ts: ${NO_CHROMIUM_MESSAGE}`);

describe.skipIf(!HAVE_CHROMIUM)(`verifier page in Chromium${HAVE_CHROMIUM ? '' : ` (${NO_CHROMIUM_MESSAGE})`}`, () => {
  let t: TestLedger;
  let dir: { dir: string; cleanup: () => void };
  let browser: Chromium;
  let pageUrl: string;
  let key: string;
  const file = (name: string) => path.join(dir.dir, name);

  beforeAll(async () => {
    dir = tempDir('ledger-web-page-');
    await buildWebPage(file('web'));
    pageUrl = pathToFileURL(file('web/index.html')).href;

    t = openTestLedger();
    await postBatch(t, Array.from({ length: ENTRIES }, (_, i) => rotation(i)));
    t.ledger.tick();
    key = t.ledger.key().verifierKey;
    const { text } = await fetchBundle(t);
    writeFileSync(file('bundle.json'), text);
    const bundle = JSON.parse(text);
    const entry = bundle.entries[TAMPERED_INDEX];
    entry.leaf = flipBase64Byte(entry.leaf, Buffer.from(entry.leaf, 'base64').indexOf('"source":"') + 10);
    writeFileSync(file('tampered.json'), JSON.stringify(bundle));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    t?.cleanup();
    dir?.cleanup();
  });

  /** Opens the page, recording every request it makes and every error or CSP violation it meets. */
  async function open(): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const page = await browser.context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(pageUrl);
    return { page, requests, problems };
  }

  async function verify(page: Page, bundleFile: string, verifierKey = key): Promise<{ ok: boolean; elapsedMs: number }> {
    await page.setInputFiles('#bundle-file', bundleFile);
    await page.fill('#verifier-key', verifierKey);
    await page.click('#verify-button');
    const result = page.locator('#result[data-ok]:not([hidden])');
    await result.waitFor({ timeout: 60_000 });
    return { ok: (await result.getAttribute('data-ok')) === 'true', elapsedMs: Number(await result.getAttribute('data-elapsed-ms')) };
  }

  async function cliJson(bundleFile: string): Promise<{ stdout: string; ms: number }> {
    let stdout = '';
    const started = performance.now();
    await runVerifyCli(['verify', bundleFile, '--key', key, '--json'], { stdout: (s) => (stdout += s), stderr: () => {} });
    return { stdout, ms: performance.now() - started };
  }

  it('verifies a 1,000-entry bundle with the same report as `ledger verify --json`, offline', async () => {
    const { page, requests, problems } = await open();
    const { ok, elapsedMs } = await verify(page, file('bundle.json'));
    expect(ok).toBe(true);
    expect(await page.textContent('#verdict')).toBe(`✓ VERIFIED: evidence bundle, 1,000 entries checked, tree size ${ENTRIES}`);
    expect(await page.textContent('#summary')).toContain('RESULT: VERIFIED');
    const cli = await cliJson(file('bundle.json'));
    expect(await page.textContent('#report-json')).toBe(cli.stdout);
    await page.screenshot({ path: SCREENSHOT_OK, fullPage: true });
    expect(requests).toEqual([pageUrl]);
    expect(problems).toEqual([]);
    const size = readFileSync(file('bundle.json')).length;
    console.log(
      `verify ${ENTRIES} entries (${(size / 1024).toFixed(0)} KiB): Chromium page ${elapsedMs.toFixed(0)} ms; ` +
        `ledger verify in-process (node:crypto) ${cli.ms.toFixed(0)} ms; page ${(readFileSync(file('web/index.html')).length / 1024).toFixed(1)} KiB`,
    );
    await page.close();
  });

  it('fails a bundle with one leaf byte flipped, naming the entry', async () => {
    const { page, requests, problems } = await open();
    const { ok } = await verify(page, file('tampered.json'));
    expect(ok).toBe(false);
    expect(await page.textContent('#verdict')).toBe(`✗ NOT VERIFIED: evidence bundle, 1,000 entries checked, tree size ${ENTRIES}, 1 entry failed`);
    const findings = await page.locator('#findings li').allTextContents();
    expect(findings[0]).toMatch(new RegExp(`^entry ${TAMPERED_INDEX}: BAD_LEAF_HASH: `));
    // One cause, one failure: the next entry's prev is the log's hash, not the edited leaf's.
    expect(findings.some((f) => f.startsWith(`entry ${TAMPERED_INDEX + 1}:`))).toBe(false);
    expect(await page.textContent('#report-json')).toBe((await cliJson(file('tampered.json'))).stdout);
    await page.screenshot({ path: SCREENSHOT_TAMPERED, fullPage: true });
    expect(requests).toEqual([pageUrl]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('verifies a file dropped on the box once the key is there', async () => {
    const { page } = await open();
    await page.fill('#verifier-key', key);
    const text = readFileSync(file('bundle.json'), 'utf8');
    const transfer = await page.evaluateHandle((json) => {
      const dt = new DataTransfer();
      dt.items.add(new File([json], 'bundle.json', { type: 'application/json' }));
      return dt;
    }, text);
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
    await page.locator('#result[data-ok="true"]:not([hidden])').waitFor({ timeout: 60_000 });
    await page.close();
  });

  it('refuses a malformed key next to the key field, and fails a bundle under another log key', async () => {
    const { page } = await open();
    await page.setInputFiles('#bundle-file', file('bundle.json'));
    await page.fill('#verifier-key', 'not-a-key');
    await page.click('#verify-button');
    await expect.poll(() => page.textContent('#key-error')).toMatch(/^not a verifier key: /);
    expect(await page.getAttribute('#verifier-key', 'aria-invalid')).toBe('true');
    expect(await page.isHidden('#result')).toBe(true);

    const otherKey = formatVerifierKey(testSigner('another log'));
    expect(await verify(page, file('bundle.json'), otherKey)).toMatchObject({ ok: false });
    expect(await page.locator('#findings li').allTextContents()).toContainEqual(expect.stringMatching(/^bundle: KEY_DIFFERS: /));
    await page.close();
  });
});
