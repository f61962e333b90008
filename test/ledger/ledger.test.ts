/** The ledger without HTTP: group commit, back-pressure, failure atomicity, restart, signing guard. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { nodeCrypto } from '../../src/crypto/node.js';
import { toHex } from '../../src/crypto/bytes.js';
import { rootOfLeafHashes } from '../../src/merkle/index.js';
import { validateRecord, type EvidenceRecord } from '../../src/evidence/index.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { Store } from '../../src/store/index.js';
import { openTestLedger, rotation, testSigner, TEST_SETTINGS, type TestLedger } from '../support/ledger.js';

function record(n: number): EvidenceRecord {
  const r = validateRecord(rotation(n));
  if (!r.ok) throw new Error('fixture invalid');
  return r.record;
}

const leafHashOf = (leaf: Uint8Array) => new Uint8Array(createHash('sha256').update(Buffer.from([0])).update(leaf).digest());

describe('ledger', () => {
  let t: TestLedger;
  afterEach(() => t.cleanup());

  describe('group commit', () => {
    beforeEach(() => {
      t = openTestLedger({ settings: { batchMax: 50, batchWaitMs: 5 } });
    });

    it('commits concurrent submissions together, in arrival order, each chained to the one before', async () => {
      let transactions = 0;
      const transaction = t.store.transaction.bind(t.store);
      t.store.transaction = <T>(fn: () => T): T => {
        transactions++;
        return transaction(fn);
      };
      const results = await Promise.all(Array.from({ length: 120 }, (_, i) => t.ledger.append('src', [record(i)])));
      expect(results.map((r) => r.entries[0]!.index)).toEqual(Array.from({ length: 120 }, (_, i) => i));
      let prev = '0'.repeat(64);
      for (const r of results) {
        const e = r.entries[0]!;
        expect(e.envelope.prev).toBe(prev);
        expect(toHex(e.leafHash)).toBe(toHex(leafHashOf(e.leaf)));
        prev = toHex(e.leafHash);
      }
      // 120 records with batchMax 50 need at least 3 transactions, and group commit keeps it near that.
      expect(transactions).toBeGreaterThanOrEqual(3);
      expect(transactions).toBeLessThanOrEqual(6);
      expect(t.store.log.size()).toBe(120);
    });

    it('refuses past the queue bound instead of growing memory, and commits what it accepted', async () => {
      t.cleanup();
      t = openTestLedger({ settings: { queueMax: 10, batchWaitMs: 50 } });
      const accepted = Array.from({ length: 10 }, (_, i) => t.ledger.append('src', [record(i)]));
      await expect(t.ledger.append('src', [record(99)])).rejects.toMatchObject({ code: 'QUEUE_FULL' });
      await Promise.all(accepted);
      expect(t.store.log.size()).toBe(10);
    });

    it('never stamps an entry earlier than the one before, even when the clock steps back', async () => {
      const a = await t.ledger.append('src', [record(1)]);
      t.now.ms -= 3_600_000;
      const b = await t.ledger.append('src', [record(2)]);
      expect(b.entries[0]!.envelope.receivedAt).toBe(a.entries[0]!.envelope.receivedAt);
      t.now.ms += 7_200_000;
      const c = await t.ledger.append('src', [record(3)]);
      expect(Date.parse(c.entries[0]!.envelope.receivedAt)).toBe(t.now.ms);
    });
  });

  describe('when the database cannot write', () => {
    beforeEach(() => {
      t = openTestLedger();
    });

    it('acknowledges nothing, keeps its tree where it was, and resumes when the cause clears', async () => {
      await t.ledger.append('src', [record(0)]);
      const blocker = new Database(t.dbPath, { timeout: 0 });
      blocker.exec('BEGIN EXCLUSIVE');
      t.store.sqlite.pragma('busy_timeout = 10');
      await expect(t.ledger.append('src', [record(1), record(2)])).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      blocker.exec('ROLLBACK');
      blocker.close();
      expect(t.store.log.size()).toBe(1);
      const next = await t.ledger.append('src', [record(1)]);
      expect(next.entries[0]!.index).toBe(1);
      expect(next.entries[0]!.envelope.prev).toBe(toHex(t.store.log.entry(0)!.leafHash));
      t.ledger.tick();
      const leafHashes = [...t.store.log.iterate()].map((e) => e.leafHash);
      expect(toHex(t.store.checkpoints.latest()!.rootHash)).toBe(toHex(rootOfLeafHashes(nodeCrypto, leafHashes)));
    });

    it('answers every writer in a batch when a read fails while the batch is built, and carries on', async () => {
      const find = t.store.idempotency.find.bind(t.store.idempotency);
      t.store.idempotency.find = () => {
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' });
      };
      const plain = t.ledger.append('src', [record(1)]);
      const keyed = t.ledger.append('src', [record(2)], 'k1');
      await expect(keyed).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(plain).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(t.store.log.size()).toBe(0);
      t.store.idempotency.find = find;
      const again = await t.ledger.append('src', [record(2)], 'k1');
      expect(again.entries[0]!.index).toBe(0);
    });
  });

  describe('restart', () => {
    it('continues the same tree and chain from stored nodes', async () => {
      t = openTestLedger();
      for (let i = 0; i < 37; i++) await t.ledger.append('src', [record(i)]);
      t.ledger.close();
      const again = Ledger.open({ store: t.store, signer: t.signer, crypto: nodeCrypto, settings: TEST_SETTINGS, clock: () => t.now.ms });
      const r = await again.append('src', [record(37)]);
      expect(r.entries[0]!.index).toBe(37);
      expect(r.entries[0]!.envelope.prev).toBe(toHex(t.store.log.entry(36)!.leafHash));
      again.tick();
      const leafHashes = [...t.store.log.iterate()].map((e) => e.leafHash);
      expect(toHex(t.store.checkpoints.latest()!.rootHash)).toBe(toHex(rootOfLeafHashes(nodeCrypto, leafHashes)));
      again.close();
    });

    it('refuses a signing key other than the one the database records', () => {
      t = openTestLedger();
      expect(() =>
        Ledger.open({ store: t.store, signer: testSigner('another key'), crypto: nodeCrypto, settings: TEST_SETTINGS }),
      ).toThrow(LedgerError);
    });
  });

  describe('checkpoint signing guard', () => {
    it('signs only when the tree grew, and every signed root is the root of the stored leaves', async () => {
      t = openTestLedger();
      t.ledger.tick();
      expect(t.store.checkpoints.latest()?.treeSize).toBe(0);
      await t.ledger.append('src', [record(0), record(1), record(2)]);
      t.ledger.tick();
      t.ledger.tick();
      expect([...t.store.checkpoints.iterate()].map((c) => c.treeSize)).toEqual([0, 3]);
    });

    it('halts for good rather than sign a tree that is inconsistent with a signed checkpoint', async () => {
      t = openTestLedger();
      await t.ledger.append('src', [record(0), record(1), record(2), record(3)]);
      t.ledger.tick();
      // Someone rewrites the stored root of the first four leaves behind the ledger's back: the
      // proof that size 4 -> 5 extends the signed size-4 checkpoint must read it, and fails.
      t.store.db.exec('DROP TRIGGER nodes_no_update');
      t.store.db.prepare('UPDATE nodes SET hash = ? WHERE level = 2 AND idx = 0').run(Buffer.alloc(32, 7));
      await t.ledger.append('src', [record(4)]);
      t.ledger.tick();
      expect(t.store.checkpoints.latest()?.treeSize).toBe(4);
      expect(t.ledger.health().signing).toBe('halted');
      // Nothing more is acknowledged: it could never be covered by a signed checkpoint.
      await expect(t.ledger.append('src', [record(5)])).rejects.toMatchObject({ code: 'SIGNING_HALTED' });
      t.ledger.tick();
      expect(t.store.checkpoints.latest()?.treeSize).toBe(4);
    });

    it('halts at start-up when the stored tree no longer matches the latest checkpoint', async () => {
      t = openTestLedger();
      await t.ledger.append('src', [record(0), record(1)]);
      t.ledger.tick();
      t.ledger.close();
      t.store.db.exec('DROP TRIGGER nodes_no_update');
      t.store.db.prepare('UPDATE nodes SET hash = ? WHERE level = 1 AND idx = 0').run(Buffer.alloc(32, 7));
      const again = Ledger.open({ store: t.store, signer: t.signer, crypto: nodeCrypto, settings: TEST_SETTINGS });
      expect(again.health().signing).toBe('halted');
      again.close();
    });
  });
});
