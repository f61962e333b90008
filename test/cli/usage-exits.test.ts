/** Every command exits 2 for a usage error, with a message and no stack trace (the real CLI, from dist/). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';

const CLI = path.resolve('dist/src/cli/main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('usage errors', () => {
  const t = tempDir();
  it.each([
    [['keygen']],
    [['keygen', '--origin', 'has space', '--out', path.join(t.dir, 'k1')]],
    [['keygen', '--origin', 'a+b', '--out', path.join(t.dir, 'k2')]],
    [['bogus']],
    [[]],
    [['serve', '--bogus']],
  ])('ledger %j exits 2 without a stack trace', (args) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.length).toBeGreaterThan(0);
  });

  // An empty path (an unset shell variable) is a usage error naming the option, never a file SQLite opens as a temporary database.
  it.each([
    [['audit', '--db', ''], '--db'],
    [['export-tiles', '--db', '', '--out', path.join(t.dir, 'm')], '--db'],
    [['export-tiles', '--db', path.join(t.dir, 'x.db'), '--out', ' '], '--out'],
    [['backup', '--db', '', '--to', path.join(t.dir, 'b.db')], '--db'],
    [['restore', '--from', '', '--db', path.join(t.dir, 'r.db')], '--from'],
    [['keygen', '--origin', 'ledger.example.com/x', '--out', ''], '--out'],
    [['witness', 'keygen', '--name', 'w.example/w', '--out', ''], '--out'],
  ] as const)('ledger %j exits 2 naming %s as empty', (args, option) => {
    const r = run([...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(option);
    expect(r.stderr).toMatch(/must not be empty/);
  });

  it('still exits 0 for help asked for, and writes a key for a good origin', () => {
    expect(run(['--help']).status).toBe(0);
    const ok = run(['keygen', '--origin', 'ledger.example.com/prod', '--out', path.join(t.dir, 'good.key')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ledger\.example\.com\/prod\+[0-9a-f]{8}\+/);
  });
});
