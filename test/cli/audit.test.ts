/** `ledger audit` as a command: exit codes 0 / 1 / 2, human and `--json` output, `--key` forms. */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { formatVerifierKey, generateSignerKey, verifierKeyOf } from '../../src/note/index.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { approval, openTestLedger, TEST_ORIGIN } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { runCommand, type Run } from '../support/run-command.js';
import { savePristine } from '../support/tamper.js';

const ENTRIES = 40;

let dir: ReturnType<typeof tempDir>;
let pristine: string;
let verifierKey: string;

beforeAll(async () => {
  dir = tempDir('ledger-audit-cli-');
  const t = openTestLedger();
  verifierKey = t.ledger.key().verifierKey;
  for (let half = 0; half < 2; half++) {
    const records = Array.from({ length: ENTRIES / 2 }, (_, i) => approval(half * 100 + i) as EvidenceRecord);
    await t.ledger.append('test-writer', records);
    t.now.ms += 1000;
    t.ledger.tick();
  }
  pristine = savePristine(t, dir.dir);
});

afterAll(() => dir.cleanup());

/** Runs `ledger audit ARGS` in-process, as main.ts wires it. */
function ledgerAudit(...args: string[]): Promise<Run> {
  return runCommand(auditCommand, 'audit', args);
}

function copyWith(sql: string): string {
  const file = path.join(dir.dir, `copy-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(pristine, file);
  const db = new Database(file);
  db.exec('DROP TRIGGER entries_no_update');
  db.exec(sql);
  db.close();
  return file;
}

describe('ledger audit (command)', () => {
  it('exits 0 on an untouched copy and says which key it trusted', async () => {
    const run = await ledgerAudit('--db', pristine);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('RESULT: OK');
    expect(run.stdout).toContain(`${verifierKey} (recorded in the database`);
    expect(run.stdout).toMatch(/entries: +40 /);
    expect(run.stdout).toMatch(/throughput: +[\d,]+ entries\/s, [\d.]+ MB\/s/);
  });

  it('--json prints one machine-readable report', async () => {
    const run = await ledgerAudit('--db', pristine, '--json', '--key', verifierKey);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, db: pristine, entries: ENTRIES, treeSize: ENTRIES, findingCount: 0, findings: [] });
    expect(report.key).toEqual({ source: 'option', verifierKey });
    expect(report.checkpointsChecked).toBe(2);
    expect(typeof report.entriesPerSecond).toBe('number');
    expect(typeof report.megabytesPerSecond).toBe('number');
  });

  it('takes --key from a file', async () => {
    const keyFile = path.join(dir.dir, 'ledger.vkey');
    writeFileSync(keyFile, `${verifierKey}\n`);
    const run = await ledgerAudit('--db', pristine, '--key', keyFile, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).key.source).toBe('option');
  });

  it('exits 1 on a finding and names the first bad index', async () => {
    const file = copyWith("UPDATE entries SET system = 'decoy' WHERE idx = 17");
    const run = await ledgerAudit('--db', file);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('first bad index: 17');
    expect(run.stdout).toContain('COLUMN_MISMATCH: entry 17: column system is "decoy"');
    expect(run.stdout).toContain('RESULT: FAILED');
  });

  it('exits 1 when --key is not the key the database records', async () => {
    const other = formatVerifierKey(verifierKeyOf(generateSignerKey(nodeCrypto, TEST_ORIGIN, new Uint8Array(32).fill(5))));
    const run = await ledgerAudit('--db', pristine, '--key', other, '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.findings[0].code).toBe('KEY_MISMATCH');
    // The two checkpoints, at 20 and 40 (this ledger signed none at size 0).
    expect(report.findingsByCode.CHECKPOINT_BAD_SIGNATURE).toBe(2);
  });

  it('lists only --max-findings findings but counts them all', async () => {
    const file = copyWith("UPDATE entries SET system = 'decoy' WHERE idx IN (1, 2, 3, 4)");
    const run = await ledgerAudit('--db', file, '--max-findings', '2');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('findings:      4 (COLUMN_MISMATCH 4)');
    expect(run.stdout).toContain('… 2 more');
  });

  describe('exits 2 when it cannot audit', () => {
    it('without --db', async () => {
      const run = await ledgerAudit();
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--db');
    });

    it('for a file that does not exist (and does not create it)', async () => {
      const missing = path.join(dir.dir, 'nope.db');
      const run = await ledgerAudit('--db', missing);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`cannot open ${missing} read-only`);
      expect(existsSync(missing)).toBe(false);
    });

    it('for a file that is not SQLite', async () => {
      const file = path.join(dir.dir, 'text.db');
      writeFileSync(file, 'just some text, not a database\n'.repeat(100));
      expect((await ledgerAudit('--db', file)).code).toBe(2);
    });

    it('for a SQLite file that is not a ledger database', async () => {
      const file = path.join(dir.dir, 'other.db');
      const db = new Database(file);
      db.exec('CREATE TABLE something (x)');
      db.close();
      const run = await ledgerAudit('--db', file);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is not a ledger database');
    });

    it('for a --key that is neither a key nor a file', async () => {
      const run = await ledgerAudit('--db', pristine, '--key', 'not-a-key');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--key');
    });

    it('for a bad --max-findings', async () => {
      expect((await ledgerAudit('--db', pristine, '--max-findings', '0')).code).toBe(2);
    });
  });
});

describe('auditing a plain cp of a running ledger (its data still in the -wal file)', () => {
  it('fails with a hint about the -wal file, and leaves no -wal or -shm beside the copy', async () => {
    const t = openTestLedger();
    try {
      await t.ledger.append('test-writer', [approval(1) as EvidenceRecord]);
      t.ledger.tick();
      const copy = path.join(dir.dir, 'cp-copy.db');
      copyFileSync(t.dbPath, copy); // what `cp ledger.db` does while the ledger runs
      expect(existsSync(`${t.dbPath}-wal`)).toBe(true);
      const run = await ledgerAudit('--db', copy);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`${copy} is in WAL mode but has no ${copy}-wal beside it`);
      expect(run.stderr).toContain('ledger backup');
      expect(existsSync(`${copy}-wal`)).toBe(false);
      expect(existsSync(`${copy}-shm`)).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('leaves no -wal or -shm beside a self-contained copy it audits either', async () => {
    const copy = path.join(dir.dir, 'clean-copy.db');
    copyFileSync(pristine, copy);
    expect((await ledgerAudit('--db', copy)).code).toBe(0);
    expect(existsSync(`${copy}-wal`)).toBe(false);
    expect(existsSync(`${copy}-shm`)).toBe(false);
  });
});
