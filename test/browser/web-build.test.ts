/**
 * The verifier page builds for a browser (vite, no SSR, no Node polyfills) from the pure modules
 * only, into one self-contained HTML file whose Content-Security-Policy forbids every request.
 * Fast and browser-free: always runs. The same checks run on a page that needs Node, to show
 * they fail when they should.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';
import { typecheckForBrowser } from './browser-typecheck.js';
import { buildWebPage, graphViolations, REPO_ROOT, type WebBuild } from './web-build.js';

const UNSAFE_ROOT = path.join(REPO_ROOT, 'test/browser/fixtures/uses-node');

let out: { dir: string; cleanup: () => void };
let page: WebBuild;
beforeAll(async () => {
  out = tempDir('ledger-web-build-');
  page = await buildWebPage(out.dir);
});
afterAll(() => out.cleanup());

/** The text of every `<tag>…</tag>` in the page. */
const contents = (html: string, tag: string) => [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
const sha256Base64 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('base64');

describe('verifier page: browser build', () => {
  it('imports only the pure modules and browser-safe packages (no node:, no built-in, no server code)', () => {
    expect(graphViolations(page)).toEqual([]);
    // The graph really is the verifier's: these must be in it.
    const rel = page.moduleIds.map((id) => path.relative(REPO_ROOT, id));
    for (const f of ['web/main.ts', 'src/verify/bundle-verifier.ts', 'src/merkle/verify.ts', 'src/note/checkpoint.ts', 'src/crypto/noble.ts']) {
      expect(rel).toContain(f);
    }
    expect(rel).not.toContain('src/crypto/node.ts');
  });

  it('type-checks with the DOM library and without Node types (no Buffer, process, require)', () => {
    const check = typecheckForBrowser(['web/main.ts']);
    expect(check.errors).toEqual([]);
    expect(check.projectFiles).toContain('src/verify/bundle-verifier.ts');
  }, 120_000); // a whole tsc program: over 30 s on a loaded 2-core machine
});

describe('verifier page: one self-contained file', () => {
  it('is a single index.html', () => {
    expect(readdirSync(out.dir)).toEqual(['index.html']);
  });

  it('loads nothing: no script, stylesheet, image or frame by URL', () => {
    expect(page.html).not.toMatch(/<script\b[^>]*\bsrc=/i);
    expect(page.html).not.toMatch(/<link\b/i);
    expect(page.html).not.toMatch(/<(?:img|iframe|object|embed)\b/i);
    expect(contents(page.html, 'script')).toHaveLength(1);
    expect(contents(page.html, 'script')[0]!.length).toBeGreaterThan(10_000);
  });

  it('has a CSP that forbids every request and admits exactly its inline script and style, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page.html)?.[1];
    expect(csp).toBeDefined();
    const directives = new Map(csp!.split(/;\s*/).map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.has('connect-src')).toBe(false); // falls back to default-src 'none'
    expect(directives.get('script-src')).toEqual(contents(page.html, 'script').map((s) => `'sha256-${sha256Base64(s)}'`));
    expect(directives.get('style-src')).toEqual(contents(page.html, 'style').map((s) => `'sha256-${sha256Base64(s)}'`));
    // The policy must come before the first script or style it governs.
    expect(page.html.indexOf('Content-Security-Policy')).toBeLessThan(page.html.search(/<(?:script|style)\b/));
  });
});

describe('the checks fail for a page that needs Node (negative control)', () => {
  let bad: WebBuild;
  let badOut: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    badOut = tempDir('ledger-web-build-bad-');
    bad = await buildWebPage(badOut.dir, UNSAFE_ROOT);
  });
  afterAll(() => badOut.cleanup());

  it('names the node: imports and the server-only module', () => {
    const violations = graphViolations(bad).join('\n');
    expect(violations).toContain('test/browser/fixtures/uses-node/main.ts imports the Node built-in node:fs');
    expect(violations).toContain('src/crypto/node.ts imports the Node built-in node:crypto');
    expect(violations).toContain('the page pulls in src/crypto/node.ts, which is not one of the pure modules');
    expect(violations).toContain('vite stubbed out a Node module for the browser: __vite-browser-external:node:fs');
  });

  it('fails the browser type-check on Buffer and process', () => {
    const errors = typecheckForBrowser(['test/browser/fixtures/uses-node/main.ts']).errors.join('\n');
    expect(errors).toContain("Cannot find module 'node:fs'");
    expect(errors).toContain("Cannot find name 'Buffer'");
    expect(errors).toContain("Cannot find name 'process'");
  });
});
