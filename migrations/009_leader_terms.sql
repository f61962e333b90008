-- 009: leadership terms. Each term is one instance's tenure as the only sequencer. On PostgreSQL
-- (migrations/postgres/009_leader_terms.sql) a new leader takes `LOCK TABLE leader_terms IN
-- EXCLUSIVE MODE` and inserts its term, and every write transaction reads the newest term
-- FOR SHARE, so a paused old leader can never commit after a new one took over. On SQLite the
-- file lock already makes one writer and the table stays empty; it exists so both backends have
-- the same schema. Append-only.

CREATE TABLE leader_terms (
  term       INTEGER PRIMARY KEY,
  holder     TEXT NOT NULL,
  url        TEXT,
  started_at TEXT NOT NULL
);

CREATE TRIGGER leader_terms_no_update BEFORE UPDATE ON leader_terms
BEGIN SELECT RAISE(ABORT, 'leader terms are append-only'); END;
CREATE TRIGGER leader_terms_no_delete BEFORE DELETE ON leader_terms
BEGIN SELECT RAISE(ABORT, 'leader terms are append-only'); END;
