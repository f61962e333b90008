/** `npm start` and `npm run ledger` build only when an input's content changed (scripts/build-once.mjs). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types, run by node before anything is compiled
import { inputsHash } from '../../scripts/build-once.mjs';
import { tempDir } from '../support/tmp.js';

const hashOf = inputsHash as (root: string) => string;

describe('build once', () => {
  it('changes the inputs hash when a source changes, is added or moved, and not when only its time does', () => {
    const t = tempDir();
    try {
      mkdirSync(path.join(t.dir, 'src'));
      const file = path.join(t.dir, 'src', 'a.ts');
      writeFileSync(file, 'export const a = 1;\n');
      const first = hashOf(t.dir);
      utimesSync(file, new Date(), new Date(Date.now() + 60_000));
      expect(hashOf(t.dir)).toBe(first);
      writeFileSync(file, 'export const a = 2;\n');
      const edited = hashOf(t.dir);
      expect(edited).not.toBe(first);
      writeFileSync(path.join(t.dir, 'src', 'b.ts'), '');
      expect(hashOf(t.dir)).not.toBe(edited);
      writeFileSync(path.join(t.dir, 'package.json'), '{}');
      expect(hashOf(t.dir)).not.toBe(edited);
    } finally {
      t.cleanup();
    }
  });

  it('does nothing after `npm run build` (which npm test runs first) while nothing changed', () => {
    const run = spawnSync(process.execPath, ['scripts/build-once.mjs'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('building');
  });
});
