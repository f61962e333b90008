-- 008 (PostgreSQL twin of migrations/008_control_heads.sql): control heads (docs/completeness.md).
-- Every checkpoint note commits, in an extension line, to each control's count of entries and
-- chain value at its tree size. These tables remember the heads the checkpointer computed, so the
-- next checkpoint starts from them instead of the whole log. Append-only; the audit recomputes
-- every signed line from the entries themselves.

-- A control's head at a tree size, written only for the controls whose head changed since the
-- previous size in control_head_sizes: a control's head at size N is its row with the greatest
-- tree_size <= the greatest recorded size <= N.
CREATE TABLE control_heads (
  control_id TEXT COLLATE "C" NOT NULL,
  tree_size  BIGINT NOT NULL,
  count      BIGINT NOT NULL,
  chain      BYTEA NOT NULL,
  PRIMARY KEY (control_id, tree_size)
);

-- The tree sizes whose heads are recorded in full.
CREATE TABLE control_head_sizes (
  tree_size BIGINT PRIMARY KEY
);

CREATE TRIGGER control_heads_no_update BEFORE UPDATE ON control_heads
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('control heads are append-only');
CREATE TRIGGER control_heads_no_delete BEFORE DELETE ON control_heads
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('control heads are append-only');
CREATE TRIGGER control_heads_no_truncate BEFORE TRUNCATE ON control_heads
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('control heads are append-only');
CREATE TRIGGER control_head_sizes_no_update BEFORE UPDATE ON control_head_sizes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('control head sizes are append-only');
CREATE TRIGGER control_head_sizes_no_delete BEFORE DELETE ON control_head_sizes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('control head sizes are append-only');
CREATE TRIGGER control_head_sizes_no_truncate BEFORE TRUNCATE ON control_head_sizes
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('control head sizes are append-only');
