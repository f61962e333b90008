/**
 * GET /verify serves the built verifier page as it is, publicly, under the page's own
 * Content-Security-Policy (plus no framing), and says how to build it when it is missing.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProblemHandler } from '../../src/http/problem.js';
import { verifyPageRoutes } from '../../src/http/routes/verify-page.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';

const PAGE_CSP = "default-src 'none'; script-src 'sha256-AAAA'; style-src 'sha256-BBBB'";
const PAGE = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}" /></head><body>é</body></html>\n`;

let dir: { dir: string; cleanup: () => void };
beforeAll(() => {
  dir = tempDir('ledger-verify-route-');
  writeFileSync(path.join(dir.dir, 'index.html'), PAGE);
});
afterAll(() => dir.cleanup());

const appServing = (pagePath: string) => express().use(verifyPageRoutes({ pagePath })).use(createProblemHandler([]));

describe('GET /verify', () => {
  it('serves the page byte for byte as UTF-8 HTML, with its CSP as a header and no framing', async () => {
    const res = await request(appServing(path.join(dir.dir, 'index.html'))).get('/verify').expect(200);
    expect(res.text).toBe(PAGE);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(`${PAGE_CSP}; frame-ancestors 'none'`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers 404 problem+json saying how to build the page when it is missing', async () => {
    const res = await request(appServing(path.join(dir.dir, 'absent.html'))).get('/verify').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text).detail).toContain('npm run build:web');
  });

  describe('mounted in the ledger app', () => {
    let t: TestLedger;
    beforeAll(() => {
      t = openTestLedger();
    });
    afterAll(() => t.cleanup());

    it('is public: no token needed, and an unknown one does not matter', async () => {
      for (const auth of [undefined, 'Bearer not-a-token']) {
        const req = request(t.app).get('/verify');
        const res = await (auth ? req.set('Authorization', auth) : req);
        // 200 when dist/web was built, else this route's own 404 (not the catch-all's).
        if (res.status === 200) expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        else expect([res.status, JSON.parse(res.text).detail]).toEqual([404, expect.stringContaining('npm run build:web')]);
      }
    });
  });
});
