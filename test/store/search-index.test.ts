/**
 * The search index (migration 004) and the listings served from it: whatever part of the log is
 * indexed, `list` and `indexOfLeafHash` answer exactly what a naive filter over every row
 * answers. The expected values are computed here from the generated rows themselves.
 */
import fc from 'fast-check';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEARCH_FIELD_NAMES, Store, type EntryFilter, type EntryRow } from '../../src/store/index.js';
import { SearchIndexer } from '../../src/ledger/search-indexer.js';
import { tempDir } from '../support/tmp.js';

/** Few distinct values per field, so that random filters hit. */
const POOLS = {
  type: ['rotation', 'approval'],
  controlId: ['ITGC-AC-04', 'ITGC-AC-07', 'ITGC-CM-01'],
  system: ['sap-fi-prod', 'okta-prod'],
  actorId: ['alice@example.com', 'spiffe://corp/rotator'],
  subjectId: ['svc-a', 'svc-b', 'svc-c'],
  source: ['ci', 'scanner'],
} as const;
type StringKey = keyof typeof POOLS;
const STRING_KEYS = Object.keys(POOLS) as StringKey[];
/** Leaf hashes repeat too, so "the first entry with this hash" is a real question. */
const HASHES = [1, 2, 3, 4].map((n) => new Uint8Array(32).fill(n));
const UNKNOWN_HASH = new Uint8Array(32).fill(0xee);
const BASE_MS = Date.parse('2026-09-14T02:00:00.000Z');

const time = (offsetMs: number): string => new Date(BASE_MS + offsetMs).toISOString();

const entryFields = fc.record({
  type: fc.constantFrom(...POOLS.type),
  controlId: fc.constantFrom(...POOLS.controlId),
  system: fc.constantFrom(...POOLS.system),
  actorId: fc.constantFrom(...POOLS.actorId),
  subjectId: fc.constantFrom(...POOLS.subjectId),
  source: fc.constantFrom(...POOLS.source),
  hash: fc.nat(HASHES.length - 1),
  /** receivedAt never decreases (contract, "Entries"): each entry adds 0..2 ms. */
  step: fc.nat(2),
});

type EntryFields = Record<StringKey, string> & { hash: number; step: number };

function toRows(fields: readonly EntryFields[]): EntryRow[] {
  let ms = 0;
  return fields.map((f, index) => {
    ms += f.step;
    return {
      index,
      leaf: new TextEncoder().encode(`leaf-${index}`),
      leafHash: HASHES[f.hash]!,
      receivedAt: time(ms),
      source: f.source,
      type: f.type,
      controlId: f.controlId,
      system: f.system,
      actorId: f.actorId,
      subjectId: f.subjectId,
      occurredAt: '2026-09-14T02:00:00Z',
    };
  });
}

/** Present about one time in three, so filters of every size occur, most of them matching something. */
const sometimes = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });

/** A filter of any combination, with values that exist or (rarely) do not. */
function filterArb(size: number): fc.Arbitrary<EntryFilter> {
  const strings = Object.fromEntries(
    STRING_KEYS.map((k) => [k, sometimes(fc.oneof({ arbitrary: fc.constantFrom(...POOLS[k]), weight: 9 }, { arbitrary: fc.constant('nobody'), weight: 1 }))]),
  ) as Record<StringKey, fc.Arbitrary<string | undefined>>;
  const index = sometimes(fc.integer({ min: -2, max: size + 2 }));
  const at = sometimes(fc.integer({ min: -1, max: 2 * size + 2 }).map(time));
  return fc
    .record({ ...strings, afterIndex: index, beforeIndex: index, receivedFrom: at, receivedBefore: at })
    .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as EntryFilter);
}

/** The oracle: every row checked against every condition. */
function naiveList(rows: readonly EntryRow[], f: EntryFilter, limit: number): number[] {
  return rows
    .filter(
      (r) =>
        STRING_KEYS.every((k) => f[k] === undefined || r[k] === f[k]) &&
        (f.afterIndex === undefined || r.index > f.afterIndex) &&
        (f.beforeIndex === undefined || r.index < f.beforeIndex) &&
        (f.receivedFrom === undefined || r.receivedAt >= f.receivedFrom) &&
        (f.receivedBefore === undefined || r.receivedAt < f.receivedBefore),
    )
    .slice(0, limit)
    .map((r) => r.index);
}

function naiveIndexOf(rows: readonly EntryRow[], hash: Uint8Array): number | undefined {
  const i = rows.findIndex((r) => Buffer.compare(r.leafHash, hash) === 0);
  return i < 0 ? undefined : i;
}

/** A fresh in-memory store holding `rows`, with the first `indexed` of them indexed in steps of `stepSize`. */
function storeWith(rows: EntryRow[], indexed: number, stepSize: number): Store {
  const store = Store.open(':memory:');
  if (rows.length) store.transaction(() => store.log.append(rows, []));
  const indexer = new SearchIndexer({ store, size: () => rows.length, busy: () => false });
  while (indexer.indexedThrough < indexed) indexer.step(Math.min(stepSize, indexed - indexer.indexedThrough));
  expect(store.search.indexedThrough()).toBe(indexed);
  return store;
}

const scenario = fc
  .array(entryFields, { minLength: 0, maxLength: 60 })
  .map(toRows)
  .chain((rows) =>
    fc.record({
      rows: fc.constant(rows),
      indexed: fc.oneof(fc.constant(0), fc.nat(rows.length), fc.constant(rows.length)),
      stepSize: fc.integer({ min: 1, max: 25 }),
      queries: fc.array(fc.record({ filter: filterArb(rows.length), limit: fc.integer({ min: 1, max: rows.length + 2 }) }), {
        minLength: 1,
        maxLength: 15,
      }),
    }),
  );

describe('listings over a partly indexed log', () => {
  it('list equals a naive filter over every row, whatever the indexer progress', () => {
    fc.assert(
      fc.property(scenario, ({ rows, indexed, stepSize, queries }) => {
        const store = storeWith(rows, indexed, stepSize);
        try {
          for (const { filter, limit } of queries) {
            expect(store.log.list(filter, limit).map((r) => r.index)).toEqual(naiveList(rows, filter, limit));
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('paging with the cursor visits exactly the matching entries', () => {
    fc.assert(
      fc.property(scenario, ({ rows, indexed, stepSize, queries }) => {
        const store = storeWith(rows, indexed, stepSize);
        try {
          const { filter } = queries[0]!;
          const pageSize = 1 + (stepSize % 4);
          const seen: number[] = [];
          let cursor = filter.afterIndex;
          for (;;) {
            const page = store.log.list(cursor === undefined ? filter : { ...filter, afterIndex: cursor }, pageSize);
            seen.push(...page.map((r) => r.index));
            if (page.length < pageSize) break;
            cursor = page.at(-1)!.index;
          }
          expect(seen).toEqual(naiveList(rows, filter, rows.length));
        } finally {
          store.close();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('indexOfLeafHash finds the first entry with a hash, indexed or in the tail, and nothing for an unknown one', () => {
    fc.assert(
      fc.property(scenario, ({ rows, indexed, stepSize }) => {
        const store = storeWith(rows, indexed, stepSize);
        try {
          for (const hash of [...HASHES, UNKNOWN_HASH]) expect(store.log.indexOfLeafHash(hash)).toBe(naiveIndexOf(rows, hash));
        } finally {
          store.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the tail case: a hash that appears only after the indexed part is still found', () => {
    const rows = toRows(Array.from({ length: 10 }, (_, i) => ({ ...fixedFields, hash: i < 6 ? 0 : 1, step: 1 })));
    const store = storeWith(rows, 6, 4);
    try {
      expect(store.log.indexOfLeafHash(HASHES[1]!)).toBe(6);
      expect(store.log.indexOfLeafHash(HASHES[0]!)).toBe(0);
    } finally {
      store.close();
    }
  });
});

const fixedFields = {
  type: POOLS.type[0],
  controlId: POOLS.controlId[0],
  system: POOLS.system[0],
  actorId: POOLS.actorId[0],
  subjectId: POOLS.subjectId[0],
  source: POOLS.source[0],
};

describe('the search index tables', () => {
  let t: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    t = tempDir();
    store = Store.open(path.join(t.dir, 'ledger.db'));
    const rows = toRows(Array.from({ length: 8 }, (_, i) => ({ ...fixedFields, subjectId: POOLS.subjectId[i % 3]!, hash: i % 4, step: 1 })));
    store.transaction(() => store.log.append(rows, []));
    new SearchIndexer({ store, size: () => 8, busy: () => false }).step(8);
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('holds one row per field for every indexed entry, and one progress row per step', () => {
    expect(store.search.rowCount()).toBe(8 * SEARCH_FIELD_NAMES.length);
    expect(store.db.prepare('SELECT through FROM search_batches').pluck().all()).toEqual([8]);
  });

  it.each([
    ['UPDATE entry_search SET idx = idx + 100', /search index is append-only/],
    ['DELETE FROM entry_search WHERE idx = 3', /search index is append-only/],
    ['INSERT OR REPLACE INTO entry_search (field, value, idx) SELECT field, value, idx FROM entry_search WHERE idx = 3', /search index is append-only/],
    ['UPDATE search_batches SET through = 2', /search batches are append-only/],
    ['DELETE FROM search_batches', /search batches are append-only/],
    ['INSERT OR REPLACE INTO search_batches (through) VALUES (8)', /search batches are append-only/],
  ])('refuses %s', (sql, message) => {
    expect(() => store.db.exec(sql)).toThrow(message);
    expect(store.search.rowCount()).toBe(8 * SEARCH_FIELD_NAMES.length);
    expect(store.search.indexedThrough()).toBe(8);
  });

  it('the entries table keeps no secondary index: appends write only the primary key', () => {
    const indexes = store.db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entries' AND sql IS NOT NULL")
      .pluck()
      .all();
    expect(indexes).toEqual([]);
  });

  it('listings below the progress are answered from the index: a row deleted behind its back hides its entry', () => {
    // svc-a is the subject of entries 0, 3 and 6; remove entry 3's subject row.
    expect(store.log.list({ subjectId: 'svc-a' }, 10).map((r) => r.index)).toEqual([0, 3, 6]);
    store.db.exec('DROP TRIGGER entry_search_no_delete');
    store.db.prepare("DELETE FROM entry_search WHERE field = 5 AND value = 'svc-a' AND idx = 3").run();
    expect(store.log.list({ subjectId: 'svc-a' }, 10).map((r) => r.index)).toEqual([0, 6]);
  });

  it('a search row with a wrong value never lists an entry that does not match', () => {
    // Entry 1's subject is svc-b; a planted row claims it is svc-a.
    store.db.prepare("INSERT INTO entry_search (field, value, idx) VALUES (5, 'svc-a', 1)").run();
    expect(store.log.list({ subjectId: 'svc-a' }, 10).map((r) => r.index)).toEqual([0, 3, 6]);
  });
});
