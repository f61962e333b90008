/**
 * Builds the auditor's verifier page (web/) into ONE self-contained file, dist/web/index.html:
 * the script and styles are inlined, a Content-Security-Policy pins them by hash and forbids
 * every request (`default-src 'none'`), so an auditor can save the file, open it from disk with
 * the network off, and know the bundle never leaves the machine. A browser build (no SSR, no
 * Node polyfills): a `node:` import anywhere in the graph fails the build's test.
 *
 *   npx vite build -c vite.web.config.ts     (npm run build:web)
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig, type Plugin } from 'vite';

const REPO_ROOT = path.dirname(fileURLToPath(import.meta.url));
export const WEB_ROOT = path.join(REPO_ROOT, 'web');
export const WEB_OUT_DIR = path.join(REPO_ROOT, 'dist', 'web');
export const WEB_PAGE_FILE = 'index.html';

/** Browsers the page must run in: ES2022 is what the verification code is compiled for. */
const BROWSER_TARGET = 'es2022';

const SCRIPT_TAG = /<script\b([^>]*)\bsrc="([^"]+)"([^>]*)><\/script>/g;
const STYLESHEET_TAG = /<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"[^>]*>/g;
const INLINE_SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
const INLINE_STYLE = /<style\b[^>]*>([\s\S]*?)<\/style>/g;

/** CSP source expression for an inline element's exact text (CSP Level 3, "hash-source"). */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Inline text must not end its element early; `<\/` means the same inside JS strings and regexes. */
function escapeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function contentSecurityPolicy(html: string): string {
  const scripts = [...html.matchAll(INLINE_SCRIPT)].map((m) => cspHash(m[1] ?? ''));
  const styles = [...html.matchAll(INLINE_STYLE)].map((m) => cspHash(m[1] ?? ''));
  return [
    "default-src 'none'",
    `script-src ${scripts.join(' ') || "'none'"}`,
    `style-src ${styles.join(' ') || "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Moves every emitted script and stylesheet into the HTML, then adds the CSP meta first in
 * <head>. Fails the build if anything else would be emitted, since the page must stand alone.
 */
export function singleFileHtml(): Plugin {
  return {
    name: 'evidence-ledger:single-file-html',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const htmlName = Object.keys(bundle).find((name) => name.endsWith('.html'));
      const htmlFile = htmlName === undefined ? undefined : bundle[htmlName];
      if (!htmlName || !htmlFile || htmlFile.type !== 'asset') return this.error('the web build emitted no HTML page');
      const take = (ref: string): string => {
        const name = ref.replace(/^\.?\//, '');
        const file = bundle[name];
        if (!file) return this.error(`the page refers to ${ref}, which the build did not emit`);
        delete bundle[name];
        return file.type === 'chunk' ? file.code : String(file.source);
      };
      let html = String(htmlFile.source)
        .replace(SCRIPT_TAG, (_tag, _pre: string, src: string) => `<script type="module">${escapeInlineScript(take(src))}</script>`)
        .replace(STYLESHEET_TAG, (_tag, href: string) => `<style>${take(href)}</style>`);
      const left = Object.keys(bundle).filter((name) => name !== htmlName);
      if (left.length > 0) return this.error(`the page would not be self-contained; also emitted: ${left.join(', ')}`);
      const csp = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(html)}" />`;
      html = html.replace(/<head>/, `<head>\n    ${csp}`);
      htmlFile.source = html;
    },
  };
}

/** The build as code, so a test can build into a directory of its own and add checks. */
export function webBuildConfig(options: { outDir?: string; plugins?: Plugin[] } = {}): InlineConfig {
  return {
    configFile: false,
    root: WEB_ROOT,
    base: './',
    publicDir: false,
    logLevel: 'warn',
    plugins: [...(options.plugins ?? []), singleFileHtml()],
    build: {
      outDir: options.outDir ?? WEB_OUT_DIR,
      emptyOutDir: true,
      ssr: false,
      target: BROWSER_TARGET,
      modulePreload: false,
      cssCodeSplit: false,
      assetsInlineLimit: Number.MAX_SAFE_INTEGER,
      reportCompressedSize: false,
      sourcemap: false,
    },
  };
}

export default defineConfig(webBuildConfig());
