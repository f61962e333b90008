/**
 * Builds the verifier page with vite's programmatic build (browser target, no SSR) while
 * recording every import in its graph, and judges that graph: only the pure modules
 * (ARCHITECTURE.md: merkle, note, evidence, verify, tiles, the portable crypto) and the browser-safe
 * packages may appear; a `node:` import, a Node built-in or any other package is a violation.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'vite';
import { WEB_PAGE_FILE, webBuildConfig } from '../../vite.web.config.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Project files the page may contain, relative to the repository root. */
export const ALLOWED_PROJECT_FILES: readonly RegExp[] = [
  /^web\/[\w-]+\.(?:ts|html)$/,
  /^src\/(?:verify|merkle|note|evidence|tiles|reports)\/[\w-]+\.ts$/,
  /^src\/crypto\/(?:noble|bytes|types)\.ts$/,
];

/** npm packages that run in a browser as they are (no Node APIs, no polyfills). */
export const ALLOWED_PACKAGES: readonly string[] = ['@noble/hashes', '@noble/ed25519', 'zod', 'canonicalize'];

export interface ImportEdge {
  /** What the importer wrote, e.g. `node:fs` or `../src/verify/index.js`. */
  specifier: string;
  importer: string | undefined;
}

export interface WebBuild {
  html: string;
  /** Every module id in the graph (absolute paths, or vite's ids for what it stubbed out). */
  moduleIds: string[];
  imports: ImportEdge[];
}

/** Records every import specifier and, once the graph is complete, every module id. */
function recordGraph(into: { moduleIds: string[]; imports: ImportEdge[] }): Plugin {
  return {
    name: 'test:record-import-graph',
    enforce: 'pre',
    resolveId(specifier, importer) {
      into.imports.push({ specifier, importer });
      return null;
    },
    buildEnd() {
      into.moduleIds.push(...this.getModuleIds());
    },
  };
}

/** Builds `root` (default: web/) into `outDir` and answers the page and its graph. */
export async function buildWebPage(outDir: string, root?: string): Promise<WebBuild> {
  const graph = { moduleIds: [] as string[], imports: [] as ImportEdge[] };
  const config = webBuildConfig({ outDir, plugins: [recordGraph(graph)] });
  // Vite 8 stubs a Node module out for the browser without a warning, so the graph is what tells.
  await build({ ...config, ...(root ? { root } : {}) });
  return { html: readFileSync(path.join(outDir, WEB_PAGE_FILE), 'utf8'), ...graph };
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function packageOf(id: string): string | null {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id);
  return m ? m[1]! : null;
}

/** What in the graph could not run in a browser, one line each; empty when all is well. */
export function graphViolations(b: Pick<WebBuild, 'moduleIds' | 'imports'>, projectRoot = REPO_ROOT): string[] {
  const out: string[] = [];
  for (const { specifier, importer } of b.imports) {
    const bare = specifier.split('?')[0]!;
    if (bare.startsWith('node:') || NODE_BUILTINS.has(bare)) {
      out.push(`${importer ? path.relative(projectRoot, importer) : '(entry)'} imports the Node built-in ${specifier}`);
    }
  }
  for (const id of b.moduleIds) {
    const clean = id.replace(/^\0/, '').split('?')[0]!;
    if (clean.includes('browser-external')) {
      out.push(`vite stubbed out a Node module for the browser: ${clean}`);
      continue;
    }
    const pkg = packageOf(clean);
    if (pkg !== null) {
      if (!ALLOWED_PACKAGES.includes(pkg)) out.push(`the page pulls in the package ${pkg} (${clean})`);
      continue;
    }
    if (!path.isAbsolute(clean)) {
      out.push(`unexpected module in the graph: ${JSON.stringify(id)}`);
      continue;
    }
    const rel = path.relative(projectRoot, clean).split(path.sep).join('/');
    if (!ALLOWED_PROJECT_FILES.some((re) => re.test(rel))) out.push(`the page pulls in ${rel}, which is not one of the pure modules`);
  }
  return out;
}
