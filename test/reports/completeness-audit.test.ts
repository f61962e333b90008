/**
 * `ledger audit` recomputes the control-heads line of every signed checkpoint from the entries
 * (docs/completeness.md): a note signed with the right key but the wrong heads is a finding; a
 * ledger left alone has none. An upgraded log's heads are backfilled a bounded chunk at a time. Also: the heads the
 * checkpointer records (control_heads tables) give the same line as a fold over the whole log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { controlHeadsForSigning, foldControlHeads } from '../../src/ledger/control-heads.js';
import { openCheckpoint, signCheckpoint, verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import { compareIds, findHeadsLine, formatHeadsLine, headsCommitment } from '../../src/reports/index.js';
import { Store } from '../../src/store/index.js';
import { approval, openTestLedger, rotation, TEST_ORIGIN } from '../support/ledger.js';
import { auditFile, savePristine, tamperedCopy } from '../support/tamper.js';
import { tempDir } from '../support/tmp.js';

let dir: ReturnType<typeof tempDir>;
let pristine: string;
let signer: SignerKey;
let lastSize = 0;

beforeAll(async () => {
  dir = tempDir('ledger-heads-audit-');
  const t = openTestLedger({ nowMs: Date.parse('2026-09-29T02:00:00.000Z'), sqliteFile: true });
  signer = t.signer;
  for (let round = 0; round < 6; round++) {
    const records = Array.from({ length: 7 }, (_, i) => (i % 3 ? approval(round * 7 + i) : rotation(round * 7 + i)) as EvidenceRecord);
    await t.ledger.append('test-writer', records);
    t.now.ms += 20 * 3_600_000; // crosses day ends: closes at sizes the cadence may have signed already
    t.ledger.tick();
  }
  lastSize = t.ledger.size;
  pristine = savePristine(t, dir.dir);
});

afterAll(() => dir.cleanup());

const noteAt = (db: Database.Database, size: number) => db.prepare('SELECT note FROM checkpoints WHERE tree_size = ?').pluck().get(size) as string;

function resign(db: Database.Database, size: number, extensions: string[]): void {
  const cp = openCheckpoint(nodeCrypto, noteAt(db, size), [verifierKeyOf(signer)]).checkpoint;
  const note = signCheckpoint(nodeCrypto, { origin: TEST_ORIGIN, size, rootHash: cp.rootHash, extensions }, signer);
  db.prepare('UPDATE checkpoints SET note = ? WHERE tree_size = ?').run(note, size);
}

describe('control heads in checkpoints', () => {
  it('every note carries the line, the one a fold over the entries gives, and the audit finds nothing', () => {
    const store = Store.open(pristine, { readonly: true });
    try {
      for (const row of store.checkpoints.iterate()) {
        const cp = openCheckpoint(nodeCrypto, row.note, [verifierKeyOf(signer)]).checkpoint;
        const heads = [...foldControlHeads(nodeCrypto, store.log.iterate(0, row.treeSize)).values()].sort((a, b) => compareIds(a.controlId, b.controlId));
        expect(cp.extensions).toEqual([formatHeadsLine(headsCommitment(nodeCrypto, heads))]);
        expect(findHeadsLine(cp.extensions)!.controls).toBe(heads.length);
      }
    } finally {
      store.close();
    }
    expect(auditFile(pristine, verifierKeyOf(signer)).findings).toEqual([]);
  });

  it('finds a note signed with the right key over the wrong heads', () => {
    const file = tamperedCopy(dir.dir, pristine, ['checkpoints_no_update'], (db) => {
      resign(db, lastSize, [formatHeadsLine({ controls: 2, root: new Uint8Array(32).fill(7) })]);
    });
    const report = auditFile(file, verifierKeyOf(signer));
    expect(report.findings.map((f) => [f.code, f.treeSize])).toEqual([['CHECKPOINT_HEADS_MISMATCH', lastSize]]);
  });

  it('finds a malformed line, and takes a note without one as unproving, not wrong', () => {
    let file = tamperedCopy(dir.dir, pristine, ['checkpoints_no_update'], (db) => resign(db, lastSize, ['evidence-ledger/control-heads/v1 two roots']));
    expect(auditFile(file, verifierKeyOf(signer)).findings.map((f) => f.code)).toEqual(['CHECKPOINT_HEADS_MISMATCH']);
    file = tamperedCopy(dir.dir, pristine, ['checkpoints_no_update'], (db) => resign(db, lastSize, []));
    expect(auditFile(file, verifierKeyOf(signer)).findings).toEqual([]);
  });

  it('backfills the heads of an upgraded log a bounded chunk per signing step, then signs the line', async () => {
    const t = openTestLedger({ nowMs: Date.parse('2026-09-29T02:00:00.000Z'), sqliteFile: true });
    try {
      // No tick: nothing signed, no heads recorded, as in a database from before the feature.
      for (let i = 0; i < 5; i++) await t.ledger.append('test-writer', Array.from({ length: 50 }, (_, k) => (k % 2 ? approval(i * 50 + k) : rotation(i * 50 + k)) as EvidenceRecord));
      const steps: (number | undefined)[] = [];
      let heads;
      while (!(heads = controlHeadsForSigning(nodeCrypto, t.store, 250, 100))) steps.push(t.store.controlHeads.recordedAtOrBelow(250));
      expect(steps).toEqual([100, 200]);
      const reference = [...foldControlHeads(nodeCrypto, t.store.log.iterate(0, 250)).values()].sort((a, b) => compareIds(a.controlId, b.controlId));
      expect(heads.heads).toEqual(reference);
    } finally {
      t.cleanup();
    }
  });
});
