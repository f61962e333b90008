/**
 * `ledger export-tiles`: a static C2SP tlog-tiles mirror that the independent reader
 * (test/support/tlog-tiles-reader.ts) accepts, written incrementally (a run writes only what is
 * new; tiles are never rewritten), atomically, from a database opened read-only.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTilesCommand } from '../../src/cli/export-tiles.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { cosignCheckpoint, formatCosignerKey, generateCosignerKey, verifierKeyOf } from '../../src/note/index.js';
import { requestRedaction } from '../../src/ledger/redaction.js';
import { approval, openTestLedger, TEST_ORIGIN, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { runCommand, type Run } from '../support/run-command.js';
import { savePristine } from '../support/tamper.js';
import { dirSource, readTlog, type TlogSource } from '../support/tlog-tiles-reader.js';

/** Runs `ledger export-tiles ARGS` in-process, as main.ts wires it. */
function exportTiles(...args: string[]): Promise<Run> {
  return runCommand(exportTilesCommand, 'export-tiles', args);
}

/** Every file under `dir`, relative, with its inode and modification time. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else {
        const s = statSync(full);
        out.set(path.relative(dir, full).split(path.sep).join('/'), `${s.ino}:${s.mtimeMs}`);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('ledger export-tiles', () => {
  let t: TestLedger;
  let work: ReturnType<typeof tempDir>;
  let out: string;
  let n = 0;
  const grow = async (count: number) => {
    await t.ledger.append('test-writer', Array.from({ length: count }, () => approval(n++) as EvidenceRecord), undefined, 'batch');
    t.now.ms += 1000;
    t.ledger.tick();
  };
  const read = (source: TlogSource, entries = true) => readTlog(source, { verifierKey: t.ledger.key().verifierKey, origin: TEST_ORIGIN, entries });
  const json = async (...args: string[]) => {
    const run = await exportTiles('--db', t.dbPath, '--json', ...args);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as { treeSize: number; fromSize: number; written: string[]; kept: number };
  };

  beforeAll(async () => {
    work = tempDir('ledger-export-tiles-');
    out = path.join(work.dir, 'mirror');
    t = openTestLedger();
    await grow(300);
    await grow(5);
  });
  afterAll(() => {
    t.cleanup();
    work.cleanup();
  });

  it('writes a mirror of a live ledger that the spec reader accepts, entries included', async () => {
    const report = await json('--out', out);
    expect(report).toMatchObject({ treeSize: 305, fromSize: 0, kept: 0 });
    expect(report.written.at(-1)).toBe('checkpoint');
    const result = await read(dirSource(out));
    expect(result.size).toBe(305);
    result.leaves.forEach((leaf, i) => expect(Buffer.from(leaf).equals(Buffer.from(t.store.log.entry(i)!.leaf))).toBe(true));
    // The partial tiles of the earlier checkpoint (size 300) are there too.
    const at300: TlogSource = async (p) => (p === 'checkpoint' ? { status: 200, body: new TextEncoder().encode(t.store.checkpoints.at(300)!.note), headers: {} } : dirSource(out)(p));
    expect((await read(at300)).size).toBe(300);
    expect(readFileSync(path.join(out, 'checkpoint'), 'utf8')).toBe(t.ledger.latestCheckpoint()!.note);
  });

  it('a second run with nothing new writes nothing', async () => {
    const before = files(out);
    const report = await json('--out', out);
    expect(report).toMatchObject({ treeSize: 305, fromSize: 305, written: [], kept: 0 });
    expect(files(out)).toEqual(before);
    const text = await exportTiles('--db', t.dbPath, '--out', out);
    expect(text.stdout).toBe(`export of tree size 305 to ${out}: nothing new, the mirror already holds that checkpoint\n`);
    expect(files(out)).toEqual(before);
  });

  it('a later run writes only the tiles that became full and the partial tiles of new checkpoints, then the checkpoint', async () => {
    const before = files(out);
    await grow(250);
    await grow(1);
    const report = await json('--out', out);
    expect(report).toMatchObject({ treeSize: 556, fromSize: 305 });
    expect(report.written).toEqual([
      'tile/0/001', 'tile/entries/001',
      'tile/0/002.p/43', 'tile/1/000.p/2', 'tile/entries/002.p/43',
      'tile/0/002.p/44', 'tile/entries/002.p/44',
      'checkpoint',
    ]);
    // Nothing written before was touched, except the checkpoint.
    const after = files(out);
    for (const [p, stamp] of before) if (p !== 'checkpoint') expect(after.get(p), p).toBe(stamp);
    expect((await read(dirSource(out))).size).toBe(556);
    expect([...after.keys()].filter((p) => p.includes('.tmp-'))).toEqual([]);
  });

  it('--rescan restores a lost tile and rewrites nothing else', async () => {
    rmSync(path.join(out, 'tile', '0', '000'));
    const before = files(out);
    const report = await json('--out', out, '--rescan');
    expect(report.written).toEqual(['tile/0/000']);
    const after = files(out);
    for (const [p, stamp] of before) expect(after.get(p), p).toBe(stamp);
  });

  it('--no-entries writes the public part only: checkpoint and hash tiles', async () => {
    const publicOut = path.join(work.dir, 'public');
    const report = await json('--out', publicOut, '--no-entries');
    expect(report.written.some((p) => p.startsWith('tile/entries/'))).toBe(false);
    expect(existsSync(path.join(publicOut, 'tile', 'entries'))).toBe(false);
    expect((await read(dirSource(publicOut), false)).size).toBe(556);
  });

  it('--latest-partials-only writes the partial tiles of the exported checkpoint alone', async () => {
    const lean = path.join(work.dir, 'lean');
    const report = await json('--out', lean, '--latest-partials-only');
    expect(report.written.filter((p) => p.includes('.p/'))).toEqual(['tile/0/002.p/44', 'tile/1/000.p/2', 'tile/entries/002.p/44']);
    expect((await read(dirSource(lean))).size).toBe(556);
  });

  it('publishes the checkpoint with the witness cosignature lines held for it', async () => {
    const witness = generateCosignerKey(nodeCrypto, 'witness.test/export', new Uint8Array(32).fill(7));
    const row = t.store.checkpoints.latest()!;
    const line = cosignCheckpoint(nodeCrypto, row.note.slice(0, row.note.indexOf('\n\n') + 1), witness, 1_800_000_000).replace(/\n$/, '');
    t.store.cosignatures.add({ treeSize: row.treeSize, cosigner: witness.name, keyHash: witness.keyHash, timestamp: 1_800_000_000, line, witnessKey: formatCosignerKey(verifierKeyOf(witness)), receivedAt: '2026-09-14T02:00:00.000Z' });
    const cosigned = path.join(work.dir, 'cosigned');
    const report = await json('--out', cosigned, '--no-entries');
    expect(report.treeSize).toBe(row.treeSize);
    expect(readFileSync(path.join(cosigned, 'checkpoint'), 'utf8')).toBe(`${row.note}${line}\n`);
    expect((await read(dirSource(cosigned), false)).size).toBe(row.treeSize);
  });

  it('refuses a directory that mirrors another log or another history, and a tile of the wrong size', async () => {
    const other = path.join(work.dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'checkpoint'), 'other.example/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— x y\n');
    let run = await exportTiles('--db', t.dbPath, '--out', other);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/mirrors the log "other.example\/log"/);

    writeFileSync(path.join(other, 'checkpoint'), `${TEST_ORIGIN}\n300\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— x y\n`);
    run = await exportTiles('--db', t.dbPath, '--out', other);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/another history/);

    const changed = path.join(work.dir, 'changed');
    mkdirSync(path.join(changed, 'tile', '0'), { recursive: true });
    writeFileSync(path.join(changed, 'tile', '0', '000'), 'not a tile');
    run = await exportTiles('--db', t.dbPath, '--out', changed);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/never overwritten/);
    expect(readFileSync(path.join(changed, 'tile', '0', '000'), 'utf8')).toBe('not a tile');
  });

  it('needs --db and --out (usage: exit 2)', async () => {
    expect((await exportTiles('--db', t.dbPath)).code).toBe(2);
    expect((await exportTiles('--db', path.join(work.dir, 'missing.db'), '--out', path.join(work.dir, 'x'))).code).toBe(2);
  });
});

describe('ledger export-tiles with a redacted entry', () => {
  it('withholds the entry bundle that held it, names it, and writes the rest of the mirror', async () => {
    const work = tempDir('ledger-export-redacted-');
    const t = openTestLedger();
    try {
      await t.ledger.append('test-writer', Array.from({ length: 300 }, (_, i) => approval(i) as EvidenceRecord), undefined, 'batch');
      const outcome = await requestRedaction(t.ledger, { targetIndex: 5, reason: 'A password was pasted into details.note (SEC-1).', ticket: 'SEC-1', approver: 'admin-a' });
      expect(outcome.applied).toBe(true);
      t.now.ms += 1000;
      t.ledger.tick();
      const size = t.ledger.latestCheckpoint()!.treeSize;
      expect(size).toBe(301);

      const out = path.join(work.dir, 'mirror');
      const run = await exportTiles('--db', t.dbPath, '--out', out, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { treeSize: number; written: string[]; withheld: string[] };
      // Entry 5 sits in the first full bundle (entries 0-255, tlog-tiles "Log entries"); the other bundle is whole.
      expect(report.withheld).toEqual(['tile/entries/000']);
      expect(existsSync(path.join(out, 'tile', 'entries', '000'))).toBe(false);
      expect(report.written).toContain('tile/entries/001.p/45');
      expect(report.written.at(-1)).toBe('checkpoint');
      // The public part is complete: the spec reader verifies every hash tile against the checkpoint.
      expect((await readTlog(dirSource(out), { verifierKey: t.ledger.key().verifierKey, origin: TEST_ORIGIN, entries: false })).size).toBe(size);
      // The bundle written carries its entries' exact leaves, the redaction entry (300) included.
      const bundle = readFileSync(path.join(out, 'tile', 'entries', '001.p', '45'));
      let offset = 0;
      for (let i = 256; i < 301; i++) {
        const length = bundle.readUInt16BE(offset);
        expect(bundle.subarray(offset + 2, offset + 2 + length).equals(Buffer.from(t.store.log.entry(i)!.leaf)), `entry ${i}`).toBe(true);
        offset += 2 + length;
      }
      expect(offset).toBe(bundle.length);

      const text = await exportTiles('--db', t.dbPath, '--out', path.join(work.dir, 'text'));
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/withheld: 1 entry bundle holding a redacted entry \(tile\/entries\/000\)/);
    } finally {
      t.cleanup();
      work.cleanup();
    }
  });
});

describe('ledger export-tiles opens the database read-only', () => {
  it('leaves the database file byte for byte as it was', async () => {
    const work = tempDir('ledger-export-ro-');
    try {
      const t = openTestLedger();
      await t.ledger.append('test-writer', [approval(1) as EvidenceRecord]);
      t.ledger.tick();
      const db = savePristine(t, work.dir);
      const digest = () => createHash('sha256').update(readFileSync(db)).digest('hex');
      const before = digest();
      const run = await exportTiles('--db', db, '--out', path.join(work.dir, 'mirror'));
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/export of tree size 1/);
      expect(digest()).toBe(before);
    } finally {
      work.cleanup();
    }
  });
});
