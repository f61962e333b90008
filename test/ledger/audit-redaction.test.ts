/**
 * `ledger audit` and redaction (contract, "Redaction"): a missing leaf is accepted only where a
 * redaction entry names the entry and its leaf hash; anything else is reported as tampering. The
 * database's own triggers allow no other change: tested here with raw SQL, as a hand would try.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { requestRedaction } from '../../src/ledger/redaction.js';
import { verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import { openTestLedger, rotation } from '../support/ledger.js';
import { auditFile, savePristine, tamperedCopy } from '../support/tamper.js';
import { tempDir } from '../support/tmp.js';

const TRIGGERS = ['redactions_no_update', 'entries_no_update', 'entries_no_delete', 'redactions_named', 'redaction_approvals_named', 'entry_search_no_delete', 'entry_search_no_update'];
const ask = { reason: 'A password was pasted into details.note (SEC-3301).', ticket: 'SEC-3301' };

let dir: ReturnType<typeof tempDir>;
let pristine: string;
let signer: SignerKey;

beforeAll(async () => {
  dir = tempDir('ledger-audit-redaction-');
  const t = openTestLedger();
  signer = t.signer;
  await t.ledger.append('test-writer', Array.from({ length: 8 }, (_, i) => rotation(i) as EvidenceRecord));
  t.ledger.indexSearchStep(100);
  t.ledger.tick();
  // Entry 8 redacts entry 2 (indexed); entry 10 redacts entry 9 (not yet indexed when it happens).
  await requestRedaction(t.ledger, { targetIndex: 2, ...ask, approver: 'test-admin' });
  await t.ledger.append('test-writer', [rotation(9) as EvidenceRecord]);
  await requestRedaction(t.ledger, { targetIndex: 9, ...ask, approver: 'test-admin' });
  await t.ledger.append('test-writer', [rotation(11) as EvidenceRecord]);
  t.ledger.indexSearchStep(100);
  t.now.ms += 1000;
  t.ledger.tick();
  pristine = savePristine(t, dir.dir);
});

afterAll(() => dir.cleanup());

const audit = (file: string) => auditFile(file, verifierKeyOf(signer));
const codes = (file: string) => [...new Set(audit(file).findings.map((f) => f.code))].sort();
const tampered = (change: (db: Database.Database) => void) => tamperedCopy(dir.dir, pristine, TRIGGERS, change);

describe('ledger audit of a redacted log', () => {
  it('holds: every leaf, chain link, node, checkpoint and search row of the rest checks out', () => {
    const report = audit(pristine);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(12);
  });

  it('reports a leaf removed without a redaction as tampering', () => {
    const file = tampered((db) => db.prepare(`UPDATE entries SET leaf = X'', source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = '' WHERE idx = 5`).run());
    expect(codes(file)).toContain('LEAF_REMOVED');
    expect(audit(file).firstBadIndex).toBe(5);
  });

  it('reports a redaction pointed at another entry, or at a record that is no redaction', () => {
    const other = tampered((db) => {
      db.prepare(`UPDATE entries SET leaf = X'', source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = '' WHERE idx = 4`).run();
      db.prepare('UPDATE redactions SET target_idx = 4 WHERE target_idx = 2').run();
    });
    expect(codes(other)).toContain('REDACTION_INVALID');
    const notRedaction = tampered((db) => {
      db.pragma('foreign_keys = OFF');
      db.prepare(`UPDATE entries SET leaf = X'', source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = '' WHERE idx = 3`).run();
      db.prepare('INSERT INTO redactions (target_idx, by_idx) VALUES (3, 7)').run();
    });
    expect(codes(notRedaction)).toContain('REDACTION_INVALID');
  });

  it('reports a redacted entry whose field copies were put back, and a recorded redaction whose target still has its leaf', () => {
    const putBack = tampered((db) => db.prepare(`UPDATE entries SET subject_id = 'svc-ledger-export-2' WHERE idx = 2`).run());
    expect(codes(putBack)).toContain('REDACTION_INVALID');
    const stillThere = tampered((db) => db.prepare('UPDATE redactions SET target_idx = 5 WHERE target_idx = 9').run());
    expect(codes(stillThere)).toContain('REDACTION_INVALID');
  });

  it('still finds a changed leaf hash of a redacted entry through the tree and the next prev', () => {
    const file = tampered((db) => db.prepare(`UPDATE entries SET leaf_hash = zeroblob(32) WHERE idx = 2`).run());
    expect(codes(file)).toEqual(expect.arrayContaining(['PREV_MISMATCH']));
    expect(audit(file).ok).toBe(false);
  });
});

describe('the database refuses every other change (triggers)', () => {
  const attempt = (sql: string, ...args: unknown[]) => {
    const file = tamperedCopy(dir.dir, pristine, [], () => undefined);
    const db = new Database(file);
    try {
      db.prepare(sql).run(...args);
      return 'allowed';
    } catch (err) {
      return (err as Error).message;
    } finally {
      db.close();
    }
  };

  it('refuses emptying a leaf no redaction names, or changing anything else of an entry', () => {
    expect(attempt(`UPDATE entries SET leaf = X'', source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = '' WHERE idx = 5`)).toMatch(/append-only/);
    expect(attempt(`UPDATE entries SET source = 'x' WHERE idx = 2`)).toMatch(/append-only/);
    expect(attempt(`UPDATE entries SET leaf_hash = zeroblob(32) WHERE idx = 2`)).toMatch(/append-only/);
    expect(attempt('DELETE FROM entries WHERE idx = 2')).toMatch(/append-only/);
  });

  it('refuses an approval or redaction that no redaction entry backs, and any change to them', () => {
    expect(attempt("INSERT INTO redaction_approvals (by_idx, target_idx, approver) VALUES (7, 5, 'test-admin')")).toMatch(/no redaction record/);
    expect(attempt("INSERT INTO redaction_approvals (by_idx, target_idx, approver) VALUES (8, 5, 'test-admin')")).toMatch(/no redaction record/);
    expect(attempt('INSERT INTO redactions (target_idx, by_idx) VALUES (5, 8)')).toMatch(/no approval/);
    expect(attempt('DELETE FROM redactions WHERE target_idx = 2')).toMatch(/append-only/);
    expect(attempt('UPDATE redaction_approvals SET target_idx = 3 WHERE by_idx = 8')).toMatch(/append-only/);
  });

  it('refuses deleting search rows of entries that were not redacted, and the leaf hash row of one that was', () => {
    expect(attempt('DELETE FROM entry_search WHERE idx = 5 AND field = 5')).toMatch(/append-only/);
    expect(attempt('DELETE FROM entry_search WHERE idx = 2 AND field = 0')).toMatch(/append-only/);
  });
});
