/**
 * `ledger audit` and the search index (migration 004): rows deleted, changed or planted behind
 * the ledger's back, and progress claimed beyond the log, are each found and named. The log
 * holds 300 entries of which the first 250 are indexed; expected counts are derived by hand.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import type { AuditReport } from '../../src/ledger/audit.js';
import { SEARCH_FIELDS } from '../../src/store/index.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { approval, openTestLedger, rotation } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { auditFile, savePristine, tamperedCopy } from '../support/tamper.js';

const SIZE = 300;
const INDEXED = 250;
const FIELDS = 7;
const TRIGGERS = ['entry_search_no_update', 'entry_search_no_delete', 'search_batches_no_update', 'search_batches_no_delete'];

let dir: ReturnType<typeof tempDir>;
let pristine: string;
let signer: SignerKey;

beforeAll(async () => {
  dir = tempDir('ledger-audit-search-');
  const t = openTestLedger();
  signer = t.signer;
  const records = Array.from({ length: SIZE }, (_, n) => (n % 2 ? approval(n) : rotation(n)) as EvidenceRecord);
  for (let i = 0; i < SIZE; i += 100) await t.ledger.append('test-writer', records.slice(i, i + 100));
  // Three steps, so several progress rows exist; the last 50 entries stay unindexed.
  for (const step of [100, 100, 50]) t.ledger.indexSearchStep(step);
  pristine = savePristine(t, dir.dir);
});

afterAll(() => dir.cleanup());

function tampered(change: (db: Database.Database) => void): string {
  return tamperedCopy(dir.dir, pristine, TRIGGERS, change);
}

function audit(file: string): AuditReport {
  return auditFile(file, verifierKeyOf(signer));
}

describe('ledger audit of the search index', () => {
  it('an untouched ledger audits clean, with every indexed entry checked', () => {
    const report = audit(pristine);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.searchEntriesChecked).toBe(INDEXED);
  });

  it('a database from before migration 004 (read-only, not migrated) audits clean and checks nothing', () => {
    const report = audit(tampered((db) => db.exec('DROP TABLE entry_search; DROP TABLE search_batches')));
    expect(report.findings).toEqual([]);
    expect(report.searchEntriesChecked).toBe(0);
  });

  it('a deleted search row', () => {
    const report = audit(
      tampered((db) => db.prepare('DELETE FROM entry_search WHERE field = ? AND idx = 42').run(SEARCH_FIELDS.subject)),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'SEARCH_INDEX_MISMATCH', index: 42, message: expect.stringContaining('no subject row for "svc-ledger-export-42"') }),
    ]);
    expect(report.firstBadIndex).toBe(42);
  });

  it('a row whose value was changed (to hide the entry from system= listings)', () => {
    const report = audit(
      tampered((db) => db.prepare("UPDATE entry_search SET value = 'decoy' WHERE field = ? AND idx = 9").run(SEARCH_FIELDS.system)),
    );
    // 9 is odd: an approval on sap-fi-prod. Its right row is gone, and the changed one is owned by no entry.
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'SEARCH_INDEX_MISMATCH', index: 9, message: expect.stringContaining('"sap-fi-prod"') }),
      expect.objectContaining({ code: 'SEARCH_INDEX_EXTRA', message: expect.stringMatching(/^1 search row/) }),
    ]);
  });

  it('a changed leaf-hash row (proof lookups by hash would miss the entry)', () => {
    const report = audit(
      tampered((db) => db.prepare('UPDATE entry_search SET value = ? WHERE field = ? AND idx = 200').run(Buffer.alloc(32, 1), SEARCH_FIELDS.leafHash)),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'SEARCH_INDEX_MISMATCH', index: 200, message: expect.stringContaining('no leafHash row') }),
      expect.objectContaining({ code: 'SEARCH_INDEX_EXTRA' }),
    ]);
  });

  it('a planted extra row for an indexed entry', () => {
    const report = audit(
      tampered((db) => db.prepare("INSERT INTO entry_search (field, value, idx) VALUES (?, 'okta-prod', 7)").run(SEARCH_FIELDS.system)),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'SEARCH_INDEX_EXTRA', message: expect.stringMatching(/^1 search row/) }),
    ]);
  });

  it('a planted row for an entry that is not indexed yet, named by its index', () => {
    const report = audit(
      tampered((db) => db.prepare("INSERT INTO entry_search (field, value, idx) VALUES (?, 'rotation', 280)").run(SEARCH_FIELDS.type)),
    );
    expect(report.findings).toEqual([expect.objectContaining({ code: 'SEARCH_INDEX_EXTRA', index: 280 })]);
  });

  it('a progress row beyond the log', () => {
    const report = audit(tampered((db) => db.prepare('INSERT INTO search_batches (through) VALUES (1000)').run()));
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'SEARCH_BATCH_BEYOND_LOG', treeSize: 1000 }));
    // It also claims entries 250..299 are indexed: each lacks all 7 of its rows.
    expect(report.findingsByCode.SEARCH_INDEX_MISMATCH).toBe((SIZE - INDEXED) * FIELDS);
    expect(report.findingsByCode.SEARCH_INDEX_EXTRA).toBeUndefined();
  });

  it('a deleted progress row below the last one changes nothing (progress is the largest)', () => {
    const report = audit(tampered((db) => db.prepare('DELETE FROM search_batches WHERE through = 100').run()));
    expect(report.findings).toEqual([]);
    expect(report.searchEntriesChecked).toBe(INDEXED);
  });
});
