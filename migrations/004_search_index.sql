-- 004: query indexes leave the append path. Each secondary index on `entries` cost every append
-- (~30 us per row with all six, ~6 us with none; docs/performance.md), so an append
-- now writes only `entries` (primary key idx) and `nodes`. A background indexer (src/ledger/
-- search-indexer.ts) keeps `entry_search` behind the log in large sorted chunks; listings answer
-- the indexed part from it and scan `entries` for the not-yet-indexed tail, so they stay exact.
-- On an existing database the indexer backfills in the background after this migration.

DROP INDEX IF EXISTS entries_by_leaf_hash;
DROP INDEX IF EXISTS entries_by_control;
DROP INDEX IF EXISTS entries_by_system;
DROP INDEX IF EXISTS entries_by_actor;
DROP INDEX IF EXISTS entries_by_subject;
DROP INDEX IF EXISTS entries_by_type;

-- One row per (entry, field): `field` is a code from SEARCH_FIELDS in src/store/search-store.ts
-- (leafHash, type, controlId, system, actor, subject, source); `value` is the entry's TEXT column,
-- or the BLOB leaf hash. Rows for one value are adjacent and in index order.
CREATE TABLE entry_search (
  field INTEGER NOT NULL,
  value NOT NULL,
  idx   INTEGER NOT NULL,
  PRIMARY KEY (field, value, idx)
) WITHOUT ROWID;

-- The indexer's progress, append-only: one row per step, saying entries [0, through) are indexed.
-- Progress is max(through), one B-tree descent.
CREATE TABLE search_batches (
  through INTEGER PRIMARY KEY
);

CREATE TRIGGER entry_search_no_update BEFORE UPDATE ON entry_search
BEGIN SELECT RAISE(ABORT, 'the search index is append-only'); END;
CREATE TRIGGER entry_search_no_delete BEFORE DELETE ON entry_search
BEGIN SELECT RAISE(ABORT, 'the search index is append-only'); END;
CREATE TRIGGER search_batches_no_update BEFORE UPDATE ON search_batches
BEGIN SELECT RAISE(ABORT, 'search batches are append-only'); END;
CREATE TRIGGER search_batches_no_delete BEFORE DELETE ON search_batches
BEGIN SELECT RAISE(ABORT, 'search batches are append-only'); END;
