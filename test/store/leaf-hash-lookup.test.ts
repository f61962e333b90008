/**
 * Looking an entry up by leaf hash (public: GET /v1/proofs/inclusion?leafHash=) trusts a search
 * row only as a pointer, and never scans more than MAX_LEAF_HASH_TAIL_SCAN unindexed entries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { MAX_LEAF_HASH_TAIL_SCAN } from '../../src/store/log-store.js';
import { SEARCH_FIELDS, Store, StoreError, type EntryRow } from '../../src/store/index.js';
import { tempDir } from '../support/tmp.js';

function hashOf(index: number): Uint8Array {
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(0, index + 1);
  return h;
}

function row(index: number): EntryRow {
  return {
    index,
    leaf: new TextEncoder().encode(`leaf-${index}`),
    leafHash: hashOf(index),
    receivedAt: '2026-09-14T02:00:00.000Z',
    source: 'ci',
    type: 'rotation',
    controlId: 'ITGC-AC-07',
    system: 'payments-api-prod',
    actorId: 'spiffe://corp/vault-rotator',
    subjectId: `svc-${index}`,
    occurredAt: '2026-09-14T02:00:00Z',
  };
}

describe('leaf-hash lookups', () => {
  let t: ReturnType<typeof tempDir>;
  let store: Store;
  const append = (from: number, count: number) =>
    store.transaction(() => store.log.append(Array.from({ length: count }, (_, i) => row(from + i)), []));
  beforeEach(() => {
    t = tempDir();
    store = Store.open(path.join(t.dir, 'ledger.db'));
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('finds indexed and unindexed entries, and nothing for an unknown hash', () => {
    append(0, 20);
    store.transaction(() => store.search.indexRange(0, 10));
    expect(store.log.indexOfLeafHash(hashOf(3))).toBe(3);
    expect(store.log.indexOfLeafHash(hashOf(15))).toBe(15);
    expect(store.log.indexOfLeafHash(hashOf(999))).toBeUndefined();
  });

  it('does not follow a planted search row to an entry with another hash', () => {
    append(0, 20);
    store.transaction(() => store.search.indexRange(0, 20));
    store.db.prepare('INSERT INTO entry_search (field, value, idx) VALUES (?, ?, ?)').run(SEARCH_FIELDS.leafHash, hashOf(7), 2);
    store.db.prepare('INSERT INTO entry_search (field, value, idx) VALUES (?, ?, ?)').run(SEARCH_FIELDS.leafHash, hashOf(999), 4);
    expect(store.log.indexOfLeafHash(hashOf(7))).toBe(7);
    expect(store.log.indexOfLeafHash(hashOf(999))).toBeUndefined();
  });

  it('refuses as unavailable, rather than scanning, when more than the bound is unindexed', () => {
    append(0, MAX_LEAF_HASH_TAIL_SCAN + 1);
    expect(() => store.log.indexOfLeafHash(hashOf(999_999))).toThrow(StoreError);
    try {
      store.log.indexOfLeafHash(hashOf(999_999));
    } catch (err) {
      expect((err as StoreError).code).toBe('UNAVAILABLE');
    }
    store.transaction(() => store.search.indexRange(0, 1));
    expect(store.log.indexOfLeafHash(hashOf(MAX_LEAF_HASH_TAIL_SCAN))).toBe(MAX_LEAF_HASH_TAIL_SCAN);
  });
});
