/**
 * `ledger audit` against a real ledger database changed behind the ledger's back, the way an
 * attacker with file access would: drop the append-only triggers, then edit rows directly.
 * Every kind of change must be caught and named (code and index, node or tree size).
 * Expected counts are derived by hand from the tree shape (see the comments), never from
 * the audit itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { formatVerifierKey, generateSignerKey, openCheckpoint, signCheckpoint, verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import { auditLedger, type AuditReport } from '../../src/ledger/audit.js';
import { Store } from '../../src/store/index.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { approval, openTestLedger, rotation, TEST_ORIGIN } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { auditFile, savePristine, tamperedCopy } from '../support/tamper.js';

/** 10 rounds of 30 entries, a checkpoint after each: checkpoints at 0, 30, 60, ..., 300. */
const ROUNDS = 10;
const PER_ROUND = 30;
const SIZE = ROUNDS * PER_ROUND;
/** Four days per round: the log spans day, month and quarter boundaries (period closes). */
const ROUND_MS = 4 * 24 * 3600 * 1000;

const TRIGGERS = [
  'entries_dense',
  'entries_no_update',
  'entries_no_delete',
  'nodes_no_update',
  'nodes_no_delete',
  'checkpoints_no_update',
  'checkpoints_no_delete',
  'period_closes_no_update',
  'period_closes_no_delete',
];

let dir: ReturnType<typeof tempDir>;
let pristine: string;
let signer: SignerKey;
let latestNote: string;

beforeAll(async () => {
  dir = tempDir('ledger-audit-');
  const t = openTestLedger({ nowMs: Date.parse('2026-09-14T02:00:00.000Z') });
  signer = t.signer;
  t.ledger.tick(); // a checkpoint at size 0 too
  for (let round = 0; round < ROUNDS; round++) {
    const records = Array.from({ length: PER_ROUND }, (_, i) => {
      const n = round * PER_ROUND + i;
      return (n % 2 ? approval(n, n % 3 ? 'sap-fi-prod' : 'okta-prod') : rotation(n)) as EvidenceRecord;
    });
    // Three submissions per round, so batches and single entries both occur.
    await Promise.all([
      t.ledger.append('test-writer', records.slice(0, 1)),
      t.ledger.append('test-writer', records.slice(1, 10)),
      t.ledger.append('test-writer', records.slice(10)),
    ]);
    t.now.ms += ROUND_MS;
    t.ledger.tick();
  }
  latestNote = t.ledger.latestCheckpoint()!.note;
  pristine = savePristine(t, dir.dir);
});

afterAll(() => dir.cleanup());

/** A fresh copy of the pristine database, changed by `change` with the triggers dropped. */
function tampered(change: (db: Database.Database) => void): string {
  return tamperedCopy(dir.dir, pristine, TRIGGERS, change);
}

function audit(file: string, key = verifierKeyOf(signer)): AuditReport {
  return auditFile(file, key);
}

function auditWithoutKey(file: string): AuditReport {
  return auditFile(file);
}

const leafOf = (db: Database.Database, index: number): Buffer =>
  db.prepare('SELECT leaf FROM entries WHERE idx = ?').pluck().get(index) as Buffer;

/** RFC 9162 §2.1.1 leaf hash, with node:crypto directly (independent of src/merkle). */
const sha256Leaf = (leaf: Uint8Array): Buffer => createHash('sha256').update(Buffer.of(0)).update(leaf).digest();

/** Replaces `from` with `to` (same length, so the JSON stays canonical) in entry `index`'s leaf. */
function rewriteLeaf(db: Database.Database, index: number, from: string, to: string, rehash: boolean): void {
  const text = leafOf(db, index).toString('utf8');
  expect(text).toContain(from);
  const leaf = Buffer.from(text.replace(from, to), 'utf8');
  db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(leaf, index);
  if (rehash) db.prepare('UPDATE entries SET leaf_hash = ? WHERE idx = ?').run(sha256Leaf(leaf), index);
}


describe('ledger audit of an untouched copy', () => {
  it('passes, recomputing every entry, node and checkpoint', () => {
    const report = audit(pristine);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(SIZE);
    expect(report.treeSize).toBe(SIZE);
    // Interior nodes of a 300-leaf tree: floor(300/2) + floor(300/4) + ... = 300 - popcount(300) = 296.
    expect(report.nodesCompared).toBe(296);
    expect(report.checkpointsChecked).toBe(ROUNDS + 1);
    // The root the live ledger signed last, read from its note.
    const signed = openCheckpoint(nodeCrypto, latestNote, [verifierKeyOf(signer)]).checkpoint;
    expect(report.rootHash).toBe(Buffer.from(signed.rootHash).toString('hex'));
    expect(report.firstBadIndex).toBeNull();
  });

  it('never writes: the file bytes are identical after an audit', () => {
    const file = tampered(() => {});
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(audit(file).ok).toBe(true);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it('uses the key recorded in the database when none is given, and says so', () => {
    const report = auditWithoutKey(pristine);
    expect(report.ok).toBe(true);
    expect(report.key).toEqual({ source: 'database', verifierKey: formatVerifierKey(verifierKeyOf(signer)) });
  });

  it('checks the period closes the ledger signed', () => {
    const report = audit(pristine);
    // Rounds land on 09-14, 09-18, ..., 10-20, ticking 4 days later each time, up to 10-24:
    // days 09-14..10-23 (40), the month 2026-09 and the quarter 2026-Q3.
    expect(report.periodClosesChecked).toBe(42);
  });

  it('accepts a database from before the period_closes table (migration 002)', () => {
    const report = audit(tampered((db) => db.exec('DROP TABLE period_closes')));
    expect(report.findings).toEqual([]);
    expect(report.periodClosesChecked).toBe(0);
  });
});

describe('ledger audit catches a change behind the ledger\'s back', () => {
  it('a leaf byte changed', () => {
    const report = audit(tampered((db) => rewriteLeaf(db, 123, 'svc-123', 'svc-999', false)));
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ code: 'LEAF_HASH_MISMATCH', index: 123 });
    expect(report.firstBadIndex).toBe(123);
    // subject.id is also an indexed column: it no longer matches the leaf.
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'COLUMN_MISMATCH', index: 123 }));
    // The chain: entry 124's prev is the hash of the original leaf 123.
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'PREV_MISMATCH', index: 124 }));
    // Leaf 123's ancestors complete within 300 leaves: levels 1..8 (level 8 covers 0..255).
    expect(report.findingsByCode.NODE_MISMATCH).toBe(8);
    // Checkpoints at 150, 180, ..., 300 cover it: stored and signed root each differ, 6 * 2.
    expect(report.findingsByCode.CHECKPOINT_ROOT_MISMATCH).toBe(12);
  });

  it('a stored leaf hash changed', () => {
    const report = audit(
      tampered((db) => db.prepare('UPDATE entries SET leaf_hash = ? WHERE idx = 77').run(Buffer.alloc(32, 0xab))),
    );
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'LEAF_HASH_MISMATCH', index: 77, message: expect.stringContaining('abababab') }),
    ]);
  });

  it('a leaf and its hash both changed consistently: the chain and the tree catch it', () => {
    const report = audit(tampered((db) => rewriteLeaf(db, 123, '"approved"', '"rejected"', true)));
    expect(report.ok).toBe(false);
    expect(report.findingsByCode.LEAF_HASH_MISMATCH).toBeUndefined();
    expect(report.findingsByCode.LEAF_INVALID).toBeUndefined();
    // 123 is odd: appending it completes node (1, 61) over entries 122..123, found first.
    expect(report.findings[0]).toMatchObject({ code: 'NODE_MISMATCH', node: { level: 1, index: 61 } });
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'PREV_MISMATCH', index: 124, message: expect.stringContaining('entry 123') }),
    );
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'CHECKPOINT_ROOT_MISMATCH', treeSize: 150 }));
  });

  it('the head entry and its hash changed consistently: only the tree and the checkpoint can tell', () => {
    const report = audit(tampered((db) => rewriteLeaf(db, 299, '"approved"', '"rejected"', true)));
    expect(report.ok).toBe(false);
    expect(report.findingsByCode.PREV_MISMATCH).toBeUndefined();
    // 299 = 0b100101011: appending it completes (1,149) and (2,74); 300 has no checkpoint other than itself.
    expect(report.findings.filter((f) => f.code === 'NODE_MISMATCH').map((f) => f.node)).toEqual([
      { level: 1, index: 149 },
      { level: 2, index: 74 },
    ]);
    expect(report.findings.filter((f) => f.code === 'CHECKPOINT_ROOT_MISMATCH').map((f) => f.treeSize)).toEqual([300, 300]);
  });

  it('a deleted row in the middle', () => {
    const report = audit(tampered((db) => db.prepare('DELETE FROM entries WHERE idx = 150').run()));
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ code: 'ENTRY_MISSING', index: 150, message: expect.stringContaining('entry 150 is missing') });
    expect(report.firstBadIndex).toBe(150);
    expect(report.entries).toBe(SIZE - 1);
    // The gap is the only missing entry: the tail (299) is there, so no second ENTRY_MISSING.
    expect(report.findingsByCode.ENTRY_MISSING).toBe(1);
  });

  it('two rows swapped', () => {
    const report = audit(
      tampered((db) => {
        db.prepare('UPDATE entries SET idx = -1 WHERE idx = 200').run();
        db.prepare('UPDATE entries SET idx = 200 WHERE idx = 201').run();
        db.prepare('UPDATE entries SET idx = 201 WHERE idx = -1').run();
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ code: 'INDEX_MISMATCH', index: 200, message: expect.stringContaining('index 201') });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'INDEX_MISMATCH', index: 201 }));
    expect(report.firstBadIndex).toBe(200);
  });

  it('a truncated tail (the last 25 entries deleted)', () => {
    const report = audit(tampered((db) => db.prepare('DELETE FROM entries WHERE idx >= 275').run()));
    expect(report.ok).toBe(false);
    expect(report.entries).toBe(275);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'ENTRY_MISSING', index: 275, message: expect.stringContaining('entries 275..299 are missing') }),
    );
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'CHECKPOINT_BEYOND_LOG', treeSize: 300 }));
    // Stored nodes beyond 275 leaves: (300 - popcount(300)) - (275 - popcount(275)) = 296 - 271 = 25.
    expect(report.findingsByCode.NODE_STRAY).toBe(25);
    expect(report.firstBadIndex).toBe(275);
  });

  it('a stored tree node changed', () => {
    const report = audit(
      tampered((db) => db.prepare('UPDATE nodes SET hash = ? WHERE level = 3 AND idx = 10').run(Buffer.alloc(32, 7))),
    );
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({
      code: 'NODE_MISMATCH',
      node: { level: 3, index: 10 },
      message: expect.stringContaining('entries 80..87'),
    });
    // Entries and signed roots are intact; only proofs served from that node break: 60 -> 90
    // needs it as a new subtree (80..87 lies in [60, 90)), 90 -> 120 as one of the old tree's
    // own subtrees (90 = 64 + 16 + 8 + 2); from 120 on, proofs use (5, 2) over 64..95 instead.
    expect(report.findings.slice(1).map((f) => [f.code, f.treeSize])).toEqual([
      ['CHECKPOINT_INCONSISTENT', 90],
      ['CHECKPOINT_INCONSISTENT', 120],
    ]);
    expect(report.firstBadIndex).toBeNull();
  });

  it('a stored tree node deleted', () => {
    const report = audit(tampered((db) => db.prepare('DELETE FROM nodes WHERE level = 5 AND idx = 2').run()));
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ code: 'NODE_MISSING', node: { level: 5, index: 2 } });
    expect(report.findingsByCode.NODE_MISSING).toBe(1);
  });

  it('a planted tree node that no tree of this size has', () => {
    const report = audit(
      tampered((db) => db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (4, 1000, ?)').run(Buffer.alloc(32, 1))),
    );
    expect(report.findings).toEqual([expect.objectContaining({ code: 'NODE_STRAY', node: { level: 4, index: 1000 } })]);
  });

  it('a forged checkpoint note (re-signed with another key)', () => {
    const attacker = generateSignerKey(nodeCrypto, TEST_ORIGIN, new Uint8Array(32).fill(9));
    const report = audit(
      tampered((db) => {
        const root = db.prepare('SELECT root_hash FROM checkpoints WHERE tree_size = 150').pluck().get() as Buffer;
        const note = signCheckpoint(nodeCrypto, { origin: TEST_ORIGIN, size: 150, rootHash: new Uint8Array(root), extensions: [] }, attacker);
        db.prepare('UPDATE checkpoints SET note = ? WHERE tree_size = 150').run(note);
      }),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_BAD_SIGNATURE', treeSize: 150, message: expect.stringContaining('NO_KNOWN_SIGNATURE') }),
    ]);
  });

  it('a checkpoint note re-signed for another tree size', () => {
    const report = audit(
      tampered((db) => {
        const note = db.prepare('SELECT note FROM checkpoints WHERE tree_size = 60').pluck().get() as string;
        db.prepare('UPDATE checkpoints SET note = ? WHERE tree_size = 90').run(note);
      }),
    );
    expect(report.findings[0]).toMatchObject({ code: 'CHECKPOINT_NOTE_INVALID', treeSize: 90, message: expect.stringContaining('tree size 60') });
  });

  it('a stored checkpoint root changed', () => {
    const report = audit(
      tampered((db) => db.prepare('UPDATE checkpoints SET root_hash = ? WHERE tree_size = 210').run(Buffer.alloc(32, 3))),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_ROOT_MISMATCH', treeSize: 210, message: expect.stringContaining('stored root 0303') }),
    ]);
  });

  it('an indexed column changed to hide an entry from system= queries', () => {
    const report = audit(tampered((db) => db.prepare("UPDATE entries SET system = 'decoy' WHERE idx = 43").run()));
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'COLUMN_MISMATCH', index: 43, message: expect.stringContaining('column system is "decoy"') }),
    ]);
  });

  it('receivedAt moved back in time (leaf and hash rewritten consistently)', () => {
    const report = audit(
      tampered((db) => {
        const text = leafOf(db, 100).toString('utf8');
        const receivedAt = /"receivedAt":"([^"]+)"/.exec(text)![1]!;
        rewriteLeaf(db, 100, receivedAt, '2020-01-01T00:00:00.000Z', true);
      }),
    );
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'RECEIVED_AT_DECREASED', index: 100 }));
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'COLUMN_MISMATCH', index: 100 }));
  });

  it('a leaf that is no longer canonical JSON', () => {
    const report = audit(
      tampered((db) => {
        const leaf = Buffer.concat([leafOf(db, 5), Buffer.from(' ')]);
        db.prepare('UPDATE entries SET leaf = ?, leaf_hash = ? WHERE idx = 5').run(leaf, sha256Leaf(leaf));
      }),
    );
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'LEAF_INVALID', index: 5, message: expect.stringContaining('NOT_CANONICAL') }),
    );
  });

  describe('period closes', () => {
    const setCloseSize = (periodId: string, size: number) =>
      tampered((db) => db.prepare('UPDATE period_closes SET tree_size = ? WHERE period_id = ?').run(size, periodId));

    it('a close moved off its size: not the count received before its end, and no checkpoint there', () => {
      // Entries 0..149 arrived in September (rounds on 09-14 .. 09-30), 150.. on 10-04: the month closes at 150.
      const report = audit(setCloseSize('2026-09', 149));
      expect(report.findings.map((f) => [f.code, f.periodId, f.treeSize])).toEqual([
        ['PERIOD_CLOSE_NO_CHECKPOINT', '2026-09', 149],
        ['PERIOD_CLOSE_WRONG_SIZE', '2026-09', 149],
      ]);
      expect(report.findings[1]!.message).toContain('150 entries were received before its end 2026-10-01T00:00:00.000Z');
    });

    it('a close of one kind smaller than the one before it', () => {
      // Day 09-19 closed at 60 (rounds on 09-14 and 09-18); 09-20 moved back to 30, where a checkpoint exists.
      const report = audit(setCloseSize('2026-09-20', 30));
      expect(report.findings.map((f) => [f.code, f.periodId])).toEqual([
        ['PERIOD_CLOSE_DECREASING', '2026-09-20'],
        ['PERIOD_CLOSE_WRONG_SIZE', '2026-09-20'],
      ]);
    });
  });

  describe('the verifier key', () => {
    const attacker = generateSignerKey(nodeCrypto, TEST_ORIGIN, new Uint8Array(32).fill(42));
    const attackerKey = formatVerifierKey(verifierKeyOf(attacker));

    /** The attacker's full rewrite: its key in meta, and every checkpoint re-signed with it. */
    const rewritten = () =>
      tampered((db) => {
        db.prepare("UPDATE meta SET value = ? WHERE key = 'verifier_key'").run(attackerKey);
        const rows = db.prepare('SELECT tree_size AS size, root_hash AS root FROM checkpoints').all() as { size: number; root: Buffer }[];
        for (const { size, root } of rows) {
          const note = signCheckpoint(nodeCrypto, { origin: TEST_ORIGIN, size, rootHash: new Uint8Array(root), extensions: [] }, attacker);
          db.prepare('UPDATE checkpoints SET note = ? WHERE tree_size = ?').run(note, size);
        }
      });

    it('a swapped meta key with re-signed checkpoints is caught when --key is given', () => {
      const report = audit(rewritten());
      expect(report.ok).toBe(false);
      expect(report.key.source).toBe('option');
      expect(report.findings[0]).toMatchObject({ code: 'KEY_MISMATCH', message: expect.stringContaining(attackerKey) });
      expect(report.findingsByCode.CHECKPOINT_BAD_SIGNATURE).toBe(ROUNDS + 1);
    });

    it('without --key, the report names the key it trusted, so the auditor can compare it with the published one', () => {
      const report = auditWithoutKey(rewritten());
      expect(report.key).toEqual({ source: 'database', verifierKey: attackerKey });
    });

    it('a swapped meta key alone fails every signature even without --key', () => {
      const report = auditWithoutKey(tampered((db) => db.prepare("UPDATE meta SET value = ? WHERE key = 'verifier_key'").run(attackerKey)));
      expect(report.ok).toBe(false);
      expect(report.findingsByCode.CHECKPOINT_BAD_SIGNATURE).toBe(ROUNDS + 1);
    });

    it('a deleted meta key without --key leaves nothing to check signatures with', () => {
      const report = auditWithoutKey(tampered((db) => db.prepare("DELETE FROM meta WHERE key = 'verifier_key'").run()));
      expect(report.ok).toBe(false);
      expect(report.key).toEqual({ source: 'none', verifierKey: null });
      expect(report.findings[0]).toMatchObject({ code: 'KEY_MISSING' });
    });
  });

  it('keeps counting past the kept findings', () => {
    const file = tampered((db) => db.prepare('DELETE FROM entries WHERE idx = 1').run());
    const store = Store.open(file, { readonly: true });
    const report = auditLedger(store, { crypto: nodeCrypto, key: verifierKeyOf(signer), maxFindings: 3 });
    store.close();
    expect(report.findings).toHaveLength(3);
    expect(report.findingCount).toBeGreaterThan(3);
    expect(report.findings[0]).toMatchObject({ code: 'ENTRY_MISSING', index: 1 });
  });
});
