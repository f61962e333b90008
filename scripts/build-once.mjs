#!/usr/bin/env node
/**
 * Builds dist/ only when its inputs changed, so `npm start` and `npm run ledger -- …` answer in a
 * fraction of a second when nothing changed, and never run a stale dist/ after a change.
 *
 *   node scripts/build-once.mjs          build if the inputs differ from the last build's, else nothing
 *   node scripts/build-once.mjs --force  build always (what `npm run build`, and so `npm test`, runs)
 *
 * "Inputs" are the contents (not the times: a checkout or a copy changes those) of every file
 * under src/, scripts/, web/ and migrations/ plus the build's configuration and the lock file,
 * hashed together with their paths. The hash is taken BEFORE building and recorded only after
 * a successful build, so an edit made during a build is seen by the next call. Plain JavaScript,
 * run by node itself: it must work before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUT_DIRS = ['src', 'scripts', 'web', 'migrations'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.web.config.ts'];
const STAMP = path.join(ROOT, 'dist', '.build-inputs');
/** What every build must have produced: without them the stamp means nothing. */
const OUTPUTS = ['dist/src/cli/main.js', 'dist/src/http/prepare-worker.js', 'dist/web/index.html'];
const BUILD_STEPS = [
  ['npx', ['tsc', '-p', 'tsconfig.build.json']],
  ['npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']],
  ['npx', ['vite', 'build', '-c', 'vite.web.config.ts', '--logLevel', 'warn']],
];

function files(root, dir) {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    return d.isDirectory() ? files(root, rel) : d.isFile() ? [rel] : [];
  });
}

/** The hash of the build's inputs under `root` (the repository). */
export function inputsHash(root = ROOT) {
  const hash = createHash('sha256');
  const all = [...INPUT_DIRS.flatMap((d) => files(root, d)), ...INPUT_FILES.filter((f) => existsSync(path.join(root, f)))].sort();
  for (const rel of all) {
    hash.update(`${rel.split(path.sep).join('/')}\0`);
    hash.update(readFileSync(path.join(root, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function upToDate(hash) {
  if (!existsSync(STAMP) || readFileSync(STAMP, 'utf8').trim() !== hash) return false;
  return OUTPUTS.every((f) => existsSync(path.join(ROOT, f)));
}

function build(hash) {
  for (const [cmd, args] of BUILD_STEPS) {
    const run = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    if (run.status !== 0) {
      process.stderr.write(`build-once: ${cmd} ${args.join(' ')} failed${run.status === null ? ` (${run.signal ?? run.error?.message})` : ` with exit code ${run.status}`}\n`);
      process.exit(run.status || 1);
    }
  }
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${hash}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const hash = inputsHash();
  if (force || !upToDate(hash)) {
    if (!force) process.stderr.write('build-once: sources changed since the last build; building…\n');
    build(hash);
  }
}
