-- Control heads (docs/completeness.md): every checkpoint note commits, in an extension line, to
-- each control's count of entries and chain value at its tree size. These tables remember the
-- heads the checkpointer computed, so the next checkpoint starts from them instead of the whole
-- log. Append-only; the audit recomputes every signed line from the entries themselves.

-- A control's head at a tree size, written only for the controls whose head changed since the
-- previous size in control_head_sizes: a control's head at size N is its row with the greatest
-- tree_size <= the greatest recorded size <= N.
CREATE TABLE control_heads (
  control_id TEXT NOT NULL,
  tree_size  INTEGER NOT NULL,
  count      INTEGER NOT NULL,
  chain      BLOB NOT NULL,
  PRIMARY KEY (control_id, tree_size)
) WITHOUT ROWID;

-- The tree sizes whose heads are recorded in full.
CREATE TABLE control_head_sizes (
  tree_size INTEGER PRIMARY KEY
);

CREATE TRIGGER control_heads_no_update BEFORE UPDATE ON control_heads
BEGIN SELECT RAISE(ABORT, 'control heads are append-only'); END;
CREATE TRIGGER control_heads_no_delete BEFORE DELETE ON control_heads
BEGIN SELECT RAISE(ABORT, 'control heads are append-only'); END;
CREATE TRIGGER control_head_sizes_no_update BEFORE UPDATE ON control_head_sizes
BEGIN SELECT RAISE(ABORT, 'control head sizes are append-only'); END;
CREATE TRIGGER control_head_sizes_no_delete BEFORE DELETE ON control_head_sizes
BEGIN SELECT RAISE(ABORT, 'control head sizes are append-only'); END;
