-- 009 (PostgreSQL twin of migrations/009_leader_terms.sql): leadership terms. Each term is one
-- instance's tenure as the only sequencer. A new leader takes `LOCK TABLE leader_terms IN
-- EXCLUSIVE MODE` and inserts its term (the greatest so far plus one); every write transaction
-- reads the newest term FOR SHARE and commits only if it is still its own, so a paused old leader
-- can never commit after a new one took over. Append-only: the history of who sequenced when.
-- (The service role holds table-level UPDATE here only because LOCK ... EXCLUSIVE requires it;
-- the triggers below still refuse every UPDATE.)

CREATE TABLE leader_terms (
  term       BIGINT PRIMARY KEY,
  -- Which instance (host, process) held the term, and the URL its peers forward appends to.
  holder     TEXT COLLATE "C" NOT NULL,
  url        TEXT COLLATE "C",
  started_at TEXT COLLATE "C" NOT NULL
);

CREATE TRIGGER leader_terms_no_update BEFORE UPDATE ON leader_terms
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('leader terms are append-only');
CREATE TRIGGER leader_terms_no_delete BEFORE DELETE ON leader_terms
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('leader terms are append-only');
CREATE TRIGGER leader_terms_no_truncate BEFORE TRUNCATE ON leader_terms
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('leader terms are append-only');
