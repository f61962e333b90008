-- 002 (PostgreSQL twin of migrations/002_period_closes.sql): reporting-period closes (contract,
-- "Periods"). One row per closed period: the tree size of its close checkpoint is the number of
-- entries with receivedAt < "end". Append-only by trigger like the log itself; closed_at is when
-- the ledger recorded the close. Times are RFC 3339 UTC with milliseconds, which sort as text
-- (COLLATE "C": byte order, whatever the database's locale).

CREATE TABLE period_closes (
  period_id TEXT COLLATE "C" PRIMARY KEY,
  kind      TEXT COLLATE "C" NOT NULL CHECK (kind IN ('day', 'month', 'quarter', 'year')),
  start     TEXT COLLATE "C" NOT NULL,
  "end"     TEXT COLLATE "C" NOT NULL CHECK ("end" > start),
  -- A close of size 0 is impossible: only periods ending after entry 0's receivedAt close.
  tree_size BIGINT NOT NULL CHECK (tree_size >= 1),
  closed_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX period_closes_by_kind ON period_closes (kind, "end");
CREATE INDEX period_closes_by_end  ON period_closes ("end");

CREATE TRIGGER period_closes_no_update BEFORE UPDATE ON period_closes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('period closes are append-only');
CREATE TRIGGER period_closes_no_delete BEFORE DELETE ON period_closes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('period closes are append-only');
CREATE TRIGGER period_closes_no_truncate BEFORE TRUNCATE ON period_closes
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('period closes are append-only');
