-- 004 (PostgreSQL twin of migrations/004_search_index.sql): query indexes leave the append path.
-- An append writes only `entries` and `nodes`; a background indexer (src/ledger/search-indexer.ts)
-- keeps `entry_search` behind the log in large sorted chunks, and listings scan `entries` for the
-- not-yet-indexed tail, so they stay exact.

DROP INDEX IF EXISTS entries_by_leaf_hash;
DROP INDEX IF EXISTS entries_by_control;
DROP INDEX IF EXISTS entries_by_system;
DROP INDEX IF EXISTS entries_by_actor;
DROP INDEX IF EXISTS entries_by_subject;
DROP INDEX IF EXISTS entries_by_type;

-- One row per (entry, field): `field` is a code from SEARCH_FIELDS in src/store/search-store.ts
-- (leafHash, type, controlId, system, actor, subject, source). SQLite leaves `value` untyped (the
-- entry's TEXT column, or the BLOB leaf hash); here it is always BYTEA: the leaf hash as is, and
-- a text field as its UTF-8 bytes (`convert_to(x, 'UTF8')`, read back with convert_from(value,
-- 'UTF8')). Byte order is SQLite's order for both, so rows for one value are adjacent and in
-- index order in the primary key.
CREATE TABLE entry_search (
  field SMALLINT NOT NULL,
  value BYTEA NOT NULL,
  idx   BIGINT NOT NULL,
  PRIMARY KEY (field, value, idx)
);

-- The indexer's progress, append-only: one row per step, saying entries [0, through) are indexed.
-- Progress is max(through), one B-tree descent.
CREATE TABLE search_batches (
  through BIGINT PRIMARY KEY
);

CREATE TRIGGER entry_search_no_update BEFORE UPDATE ON entry_search
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('the search index is append-only');
CREATE TRIGGER entry_search_no_delete BEFORE DELETE ON entry_search
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('the search index is append-only');
CREATE TRIGGER entry_search_no_truncate BEFORE TRUNCATE ON entry_search
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('the search index is append-only');
CREATE TRIGGER search_batches_no_update BEFORE UPDATE ON search_batches
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('search batches are append-only');
CREATE TRIGGER search_batches_no_delete BEFORE DELETE ON search_batches
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('search batches are append-only');
CREATE TRIGGER search_batches_no_truncate BEFORE TRUNCATE ON search_batches
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('search batches are append-only');
