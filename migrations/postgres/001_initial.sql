-- 001 (PostgreSQL twin of migrations/001_initial.sql): the log itself, its signed checkpoints,
-- API tokens and idempotency keys. Same tables, columns, keys and trigger messages as SQLite
-- (the store maps the messages to errors: keep the text identical). Types map INTEGER -> BIGINT,
-- BLOB -> BYTEA, TEXT -> TEXT COLLATE "C" (byte order, as SQLite's BINARY collation: RFC 3339
-- times and ids sort and compare the same on both backends, whatever the database's locale).
-- Indexes never come from a sequence: the store assigns them (sequences leave gaps).

-- TEXT holds UTF-8 on SQLite; a database in another encoding would reject or garble it.
DO $$
BEGIN
  IF current_setting('server_encoding') <> 'UTF8' THEN
    RAISE EXCEPTION 'the ledger needs a UTF8 database (this one is %)', current_setting('server_encoding');
  END IF;
END $$;

-- The trigger functions below that read tables search this schema, then pg_temp (searched FIRST
-- unless listed), so that a temporary table named like a ledger table cannot stand in for it
-- inside a rule: SET search_path FROM CURRENT keeps the path set here, for this transaction only.
SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);

-- Every "no UPDATE / no DELETE / no TRUNCATE" trigger: refuses with its first argument as the
-- message. SQLSTATE 23000 (integrity_constraint_violation) plays SQLite's SQLITE_CONSTRAINT_TRIGGER.
CREATE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TABLE meta (
  key   TEXT COLLATE "C" PRIMARY KEY,
  value TEXT COLLATE "C" NOT NULL
);

-- One row per log entry. `leaf` is the exact RFC 8785 canonical envelope; the other
-- columns are copies of envelope fields for queries (the audit checks they match the leaf).
CREATE TABLE entries (
  idx         BIGINT PRIMARY KEY,
  leaf        BYTEA NOT NULL,
  leaf_hash   BYTEA NOT NULL,
  received_at TEXT COLLATE "C" NOT NULL,
  source      TEXT COLLATE "C" NOT NULL,
  type        TEXT COLLATE "C" NOT NULL,
  control_id  TEXT COLLATE "C" NOT NULL,
  system      TEXT COLLATE "C" NOT NULL,
  actor_id    TEXT COLLATE "C" NOT NULL,
  subject_id  TEXT COLLATE "C" NOT NULL,
  occurred_at TEXT COLLATE "C" NOT NULL
);
-- As in SQLite 001; the search index migration later drops them all (003 and 004).
CREATE INDEX entries_by_leaf_hash   ON entries (leaf_hash);
CREATE INDEX entries_by_received_at ON entries (received_at);
CREATE INDEX entries_by_control     ON entries (control_id, idx);
CREATE INDEX entries_by_system      ON entries (system, idx);
CREATE INDEX entries_by_actor       ON entries (actor_id, idx);
CREATE INDEX entries_by_subject     ON entries (subject_id, idx);
CREATE INDEX entries_by_type        ON entries (type, idx);

-- Indexes are dense: entry N can only be inserted when entries 0..N-1 exist. Checked once per
-- statement over the rows it added (a transition table), not per row as on SQLite: a query per
-- row costs ~27 us per entry (x2.7 an unchecked insert), once per statement ~4 us (x1.25), in
-- batches of 1,000 (`node scripts/bench-pg-dense.mjs`, 2 shared cores). Every statement leaves
-- the table dense, so the rows added are the next ones exactly when they are consecutive and
-- entry lo - 1 exists (or lo is 0). The primary key refuses a repeated index first (23505 on
-- entries_pkey, where SQLite's row trigger gives this message); an upsert meets entries_no_update.
CREATE FUNCTION entries_dense() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
DECLARE
  lo bigint;
  hi bigint;
  n bigint;
BEGIN
  SELECT min(idx), max(idx), count(*) INTO lo, hi, n FROM appended;
  IF n > 0 AND (lo >= 0 AND hi - lo + 1 = n
      AND (lo = 0 OR EXISTS (SELECT 1 FROM entries WHERE idx = lo - 1))) IS NOT TRUE THEN
    RAISE EXCEPTION 'entries: index must be the next one (append-only log)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER entries_dense AFTER INSERT ON entries REFERENCING NEW TABLE AS appended
  FOR EACH STATEMENT EXECUTE FUNCTION entries_dense();
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('entries are append-only');
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('entries are append-only');
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('entries are append-only');

-- Hashes of complete subtrees at level >= 1 (level 0 is entries.leaf_hash):
-- node (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level). Maps onto C2SP tiles.
CREATE TABLE nodes (
  level BIGINT NOT NULL,
  idx   BIGINT NOT NULL,
  hash  BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TRIGGER nodes_no_update BEFORE UPDATE ON nodes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('nodes are append-only');
CREATE TRIGGER nodes_no_delete BEFORE DELETE ON nodes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('nodes are append-only');
CREATE TRIGGER nodes_no_truncate BEFORE TRUNCATE ON nodes
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('nodes are append-only');

-- Every checkpoint ever signed. Ed25519 is deterministic and the body has no timestamp,
-- so one tree size has exactly one checkpoint note.
CREATE TABLE checkpoints (
  tree_size BIGINT PRIMARY KEY,
  root_hash BYTEA NOT NULL,
  note      TEXT COLLATE "C" NOT NULL,
  signed_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('checkpoints are append-only');
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('checkpoints are append-only');
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('checkpoints are append-only');

-- API tokens, stored only as SHA-256 of the token. Revocation is the one permitted change.
CREATE TABLE tokens (
  id         TEXT COLLATE "C" PRIMARY KEY,
  token_hash BYTEA NOT NULL UNIQUE,
  role       TEXT COLLATE "C" NOT NULL CHECK (role IN ('writer', 'auditor', 'admin')),
  source     TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C",
  revoked_at TEXT COLLATE "C"
);
CREATE FUNCTION tokens_only_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL
    OR NEW.id IS DISTINCT FROM OLD.id OR NEW.token_hash IS DISTINCT FROM OLD.token_hash
    OR NEW.role IS DISTINCT FROM OLD.role OR NEW.source IS DISTINCT FROM OLD.source
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
  THEN
    RAISE EXCEPTION 'tokens: only revocation is allowed' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tokens_only_revoke BEFORE UPDATE ON tokens
  FOR EACH ROW EXECUTE FUNCTION tokens_only_revoke();
CREATE TRIGGER tokens_no_delete BEFORE DELETE ON tokens
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('tokens are kept for the record; revoke instead');
CREATE TRIGGER tokens_no_truncate BEFORE TRUNCATE ON tokens
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('tokens are kept for the record; revoke instead');

-- Idempotency keys, written in the same transaction as the entries they produced, so a
-- retry after a crash finds them exactly when the entries exist.
CREATE TABLE idempotency (
  source       TEXT COLLATE "C" NOT NULL,
  key          TEXT COLLATE "C" NOT NULL,
  request_hash BYTEA NOT NULL,
  first_index  BIGINT NOT NULL,
  count        BIGINT NOT NULL,
  created_at   TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (source, key)
);
