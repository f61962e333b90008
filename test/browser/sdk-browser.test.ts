/**
 * The SDK's browser build: vite bundles src/sdk for the browser (no SSR), its import graph holds
 * only the pure modules and browser-safe packages, and in Chromium the bundle posts a record to
 * the real server and verifies its receipt (leaf, leaf hash, inclusion in a signed checkpoint)
 * with the noble crypto, as a web form or a browser extension would.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'vite';
import { formatVerifierKey, verifierKeyOf } from '../../src/note/index.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launchChromium, type Chromium } from './chromium.js';
import { ALLOWED_PACKAGES, REPO_ROOT } from './web-build.js';

const SDK_FILES = /^src\/(?:sdk|evidence|merkle|note|tiles)\/[\w-]+\.ts$|^src\/crypto\/(?:noble|bytes|types)\.ts$/;
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

async function buildSdk(outDir: string): Promise<{ code: string; violations: string[] }> {
  const imports: string[] = [];
  const ids: string[] = [];
  const record: Plugin = {
    name: 'test:sdk-graph',
    enforce: 'pre',
    resolveId(specifier) {
      imports.push(specifier);
      return null;
    },
    buildEnd() {
      ids.push(...this.getModuleIds());
    },
  };
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [record],
    build: {
      outDir,
      emptyOutDir: true,
      ssr: false,
      target: 'es2022',
      minify: false,
      reportCompressedSize: false,
      lib: { entry: path.join(REPO_ROOT, 'src/sdk/index.ts'), formats: ['es'], fileName: () => 'sdk.js' },
    },
  });
  const violations: string[] = [];
  for (const s of imports) if (s.startsWith('node:') || NODE_BUILTINS.has(s)) violations.push(`imports the Node built-in ${s}`);
  for (const id of ids) {
    const clean = id.replace(/^\0/, '').split('?')[0]!;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(clean)?.[1];
    if (pkg) {
      if (!ALLOWED_PACKAGES.includes(pkg)) violations.push(`pulls in the package ${pkg}`);
    } else if (!SDK_FILES.test(path.relative(REPO_ROOT, clean).split(path.sep).join('/'))) {
      violations.push(`pulls in ${clean}, which is not a pure module`);
    }
  }
  return { code: readFileSync(path.join(outDir, 'sdk.js'), 'utf8'), violations };
}

describe('the SDK browser build', () => {
  let out: { dir: string; cleanup: () => void };
  let bundle: { code: string; violations: string[] };
  beforeAll(async () => {
    out = tempDir('ledger-sdk-build-');
    bundle = await buildSdk(out.dir);
  });
  afterAll(() => out.cleanup());

  it('holds only the pure modules and browser-safe packages', () => {
    expect(bundle.violations).toEqual([]);
    expect(bundle.code).toContain('Idempotency-Key');
  });

  describe.skipIf(!HAVE_CHROMIUM)(`in Chromium${HAVE_CHROMIUM ? '' : ` (${NO_CHROMIUM_MESSAGE})`}`, () => {
    let t: TestLedger;
    let server: Server;
    let origin: string;
    let browser: Chromium;
    beforeAll(async () => {
      t = openTestLedger({ settings: { checkpointIntervalMs: 50 } });
      t.ledger.start();
      server = createServer(t.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const addr = server.address() as { port: number };
      origin = `http://127.0.0.1:${addr.port}`;
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      server?.close();
      t?.cleanup();
    });

    it('posts a record to the real server and verifies its receipt with the verifier key', async () => {
      const page = await browser.context.newPage();
      await page.route(`${origin}/__sdk/sdk.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle.code }));
      await page.goto(`${origin}/healthz`);
      // A module script, not import() in the callback: vitest rewrites import() in test code.
      await page.addScriptTag({ type: 'module', content: 'import * as sdk from "/__sdk/sdk.js"; window.ledgerSdk = sdk;' });
      await page.waitForFunction(() => 'ledgerSdk' in window);
      const verifierKey = formatVerifierKey(verifierKeyOf(t.signer));
      const result = await page.evaluate(
        async ({ token, verifierKey, record }) => {
          const sdk = (window as unknown as { ledgerSdk: typeof import('../../src/sdk/index.js') }).ledgerSdk;
          const client = new sdk.LedgerClient({ url: location.origin, token, verify: { verifierKey } });
          const receipt = await client.post(record as never);
          let invalid = '';
          try {
            await client.post({ ...record, controlId: '' } as never);
          } catch (err) {
            invalid = `${(err as Error).name}: ${(err as Error).message}`;
          }
          return { index: receipt.index, treeSize: receipt.verified?.treeSize, node: typeof (globalThis as { process?: unknown }).process, invalid };
        },
        { token: t.tokens.writer, verifierKey, record: rotation(1) },
      );
      expect(result.node).toBe('undefined');
      expect(result.index).toBe(0);
      expect(result.treeSize).toBeGreaterThanOrEqual(1);
      expect(result.invalid).toMatch(/^RecordInvalidError: .*controlId/);
      expect(t.ledger.size).toBe(1);
    });
  });
});
