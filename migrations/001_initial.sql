-- 001: the log itself, its signed checkpoints, API tokens and idempotency keys.
-- Append-only tables (entries, nodes, checkpoints) refuse UPDATE and DELETE by trigger;
-- the store also turns on recursive_triggers so INSERT OR REPLACE cannot delete either.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per log entry. `leaf` is the exact RFC 8785 canonical envelope; the other
-- columns are copies of envelope fields for queries (the audit checks they match the leaf).
CREATE TABLE entries (
  idx         INTEGER PRIMARY KEY,
  leaf        BLOB NOT NULL,
  leaf_hash   BLOB NOT NULL,
  received_at TEXT NOT NULL,
  source      TEXT NOT NULL,
  type        TEXT NOT NULL,
  control_id  TEXT NOT NULL,
  system      TEXT NOT NULL,
  actor_id    TEXT NOT NULL,
  subject_id  TEXT NOT NULL,
  occurred_at TEXT NOT NULL
);
CREATE INDEX entries_by_leaf_hash   ON entries (leaf_hash);
CREATE INDEX entries_by_received_at ON entries (received_at);
CREATE INDEX entries_by_control     ON entries (control_id, idx);
CREATE INDEX entries_by_system      ON entries (system, idx);
CREATE INDEX entries_by_actor       ON entries (actor_id, idx);
CREATE INDEX entries_by_subject     ON entries (subject_id, idx);
CREATE INDEX entries_by_type        ON entries (type, idx);

-- Indexes are dense: entry N can only be inserted when entries 0..N-1 exist.
CREATE TRIGGER entries_dense BEFORE INSERT ON entries
WHEN NEW.idx IS NOT (SELECT COALESCE(MAX(idx) + 1, 0) FROM entries)
BEGIN SELECT RAISE(ABORT, 'entries: index must be the next one (append-only log)'); END;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;

-- Hashes of complete subtrees at level >= 1 (level 0 is entries.leaf_hash):
-- node (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level). Maps onto C2SP tiles.
CREATE TABLE nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER nodes_no_update BEFORE UPDATE ON nodes
BEGIN SELECT RAISE(ABORT, 'nodes are append-only'); END;
CREATE TRIGGER nodes_no_delete BEFORE DELETE ON nodes
BEGIN SELECT RAISE(ABORT, 'nodes are append-only'); END;

-- Every checkpoint ever signed. Ed25519 is deterministic and the body has no timestamp,
-- so one tree size has exactly one checkpoint note.
CREATE TABLE checkpoints (
  tree_size INTEGER PRIMARY KEY,
  root_hash BLOB NOT NULL,
  note      TEXT NOT NULL,
  signed_at TEXT NOT NULL
);
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;

-- API tokens, stored only as SHA-256 of the token. Revocation is the one permitted change.
CREATE TABLE tokens (
  id         TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('writer', 'auditor', 'admin')),
  source     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE TRIGGER tokens_only_revoke BEFORE UPDATE ON tokens
WHEN OLD.revoked_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.token_hash IS NOT OLD.token_hash OR NEW.role IS NOT OLD.role
  OR NEW.source IS NOT OLD.source OR NEW.created_at IS NOT OLD.created_at
  OR NEW.expires_at IS NOT OLD.expires_at
BEGIN SELECT RAISE(ABORT, 'tokens: only revocation is allowed'); END;
CREATE TRIGGER tokens_no_delete BEFORE DELETE ON tokens
BEGIN SELECT RAISE(ABORT, 'tokens are kept for the record; revoke instead'); END;

-- Idempotency keys, written in the same transaction as the entries they produced, so a
-- retry after a crash finds them exactly when the entries exist.
CREATE TABLE idempotency (
  source       TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  first_index  INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
