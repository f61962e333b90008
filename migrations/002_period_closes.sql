-- 002: reporting-period closes (contract, "Periods"). One row per closed period: the tree
-- size of its close checkpoint is the number of entries with receivedAt < "end". Append-only
-- by trigger like the log itself; closed_at is when the ledger recorded the close.
-- Times are RFC 3339 UTC with milliseconds, which sort as text.

CREATE TABLE period_closes (
  period_id TEXT PRIMARY KEY,
  kind      TEXT NOT NULL CHECK (kind IN ('day', 'month', 'quarter', 'year')),
  start     TEXT NOT NULL,
  "end"     TEXT NOT NULL CHECK ("end" > start),
  -- A close of size 0 is impossible: only periods ending after entry 0's receivedAt close.
  tree_size INTEGER NOT NULL CHECK (tree_size >= 1),
  closed_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX period_closes_by_kind ON period_closes (kind, "end");
CREATE INDEX period_closes_by_end  ON period_closes ("end");

CREATE TRIGGER period_closes_no_update BEFORE UPDATE ON period_closes
BEGIN SELECT RAISE(ABORT, 'period closes are append-only'); END;
CREATE TRIGGER period_closes_no_delete BEFORE DELETE ON period_closes
BEGIN SELECT RAISE(ABORT, 'period closes are append-only'); END;
