/**
 * GET /verify (public): the auditor's offline verifier page, one self-contained HTML file built
 * by `npm run build:web` into dist/web/index.html (see vite.web.config.ts). Served for
 * convenience only: the page verifies against the key the auditor pastes, never against
 * anything this server says, and an auditor who trusts neither the operator nor its server
 * should open a copy built from the source or received out of band (docs/auditor-browser.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { onlyQuery } from '../query.js';
import { Router } from 'express';
import { notFound } from '../problem.js';

const PAGE_IN_REPO = 'dist/web/index.html';
const CSP_META = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/;

/**
 * The built page, from this file's place in the source tree (src/http/routes) or in the compiled
 * one (dist/src/http/routes): three or four levels up is the repository.
 */
export function defaultVerifyPagePath(): string {
  const candidates = ['../../../', '../../../../'].map((up) => fileURLToPath(new URL(`${up}${PAGE_IN_REPO}`, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

export interface VerifyPageOptions {
  /** Where the built page is; default: {@link defaultVerifyPagePath}. */
  pagePath?: string;
}

export function verifyPageRoutes(options: VerifyPageOptions = {}): Router {
  const r = Router();
  r.get('/verify', onlyQuery(), async (_req, res) => {
    const pagePath = options.pagePath ?? defaultVerifyPagePath();
    let html: string;
    try {
      html = await readFile(pagePath, 'utf8');
    } catch {
      throw notFound('the verifier page has not been built on this server (npm run build:web)');
    }
    // The page's own policy (script and style pinned by hash, no requests), as a header too,
    // plus what only a header can say: no framing.
    const csp = CSP_META.exec(html)?.[1];
    res.set({
      'Content-Security-Policy': csp ? `${csp}; frame-ancestors 'none'` : "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.type('text/html; charset=utf-8').send(html);
  });
  return r;
}
