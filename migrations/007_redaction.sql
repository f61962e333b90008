-- Redaction (contract, "Redaction"): an entry's leaf bytes, and the copies of its fields in
-- `entries` and `entry_search`, may be removed, and only when a committed `redaction` entry of
-- the log names that entry and its leaf hash. The leaf hash, the tree, every checkpoint and proof
-- stay as they were. The database itself holds the rule, so no code path (or hand with sqlite3)
-- can use it for anything else: every other UPDATE or DELETE is still refused.

-- Each admin's approval: a `redaction` entry naming the target. The entry must exist and say so.
CREATE TABLE redaction_approvals (
  by_idx     INTEGER PRIMARY KEY,
  target_idx INTEGER NOT NULL,
  approver   TEXT NOT NULL,
  UNIQUE (target_idx, approver)
);

-- The approval that completed a redaction: from then on the target has no leaf.
CREATE TABLE redactions (
  target_idx INTEGER PRIMARY KEY,
  by_idx     INTEGER NOT NULL UNIQUE REFERENCES redaction_approvals (by_idx)
);

-- The named entry is a redaction record (read from its own leaf) of exactly this target and
-- leaf hash, later than the target, by this approver; and the target is no redaction itself.
CREATE TRIGGER redaction_approvals_named BEFORE INSERT ON redaction_approvals
WHEN NOT EXISTS (
  SELECT 1 FROM entries r JOIN entries t ON t.idx = NEW.target_idx
  WHERE r.idx = NEW.by_idx AND r.idx > t.idx AND r.type = 'redaction' AND t.type NOT IN ('redaction', '')
    AND json_extract(CAST(r.leaf AS TEXT), '$.record.targetIndex') = NEW.target_idx
    AND json_extract(CAST(r.leaf AS TEXT), '$.record.targetLeafHash') = lower(hex(t.leaf_hash))
    AND json_extract(CAST(r.leaf AS TEXT), '$.record.actor.id') = NEW.approver)
BEGIN SELECT RAISE(ABORT, 'redaction_approvals: the named entry is no redaction record of this target'); END;
CREATE TRIGGER redaction_approvals_no_update BEFORE UPDATE ON redaction_approvals
BEGIN SELECT RAISE(ABORT, 'redaction approvals are append-only'); END;
CREATE TRIGGER redaction_approvals_no_delete BEFORE DELETE ON redaction_approvals
BEGIN SELECT RAISE(ABORT, 'redaction approvals are append-only'); END;

CREATE TRIGGER redactions_named BEFORE INSERT ON redactions
WHEN NOT EXISTS (SELECT 1 FROM redaction_approvals a WHERE a.by_idx = NEW.by_idx AND a.target_idx = NEW.target_idx)
BEGIN SELECT RAISE(ABORT, 'redactions: no approval of this target by the named entry'); END;
CREATE TRIGGER redactions_no_update BEFORE UPDATE ON redactions
BEGIN SELECT RAISE(ABORT, 'redactions are append-only'); END;
CREATE TRIGGER redactions_no_delete BEFORE DELETE ON redactions
BEGIN SELECT RAISE(ABORT, 'redactions are append-only'); END;

-- The one UPDATE an entry may ever see: its leaf and field copies emptied, its index, leaf hash,
-- receivedAt (which period closes count by) and controlId (a redacted entry stays in its control's
-- population: contract, "Control reports") kept, once, under a committed redaction.
DROP TRIGGER entries_no_update;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
WHEN NOT (
  EXISTS (SELECT 1 FROM redactions WHERE target_idx = OLD.idx)
  AND length(OLD.leaf) > 0 AND NEW.leaf = X''
  AND NEW.idx IS OLD.idx AND NEW.leaf_hash IS OLD.leaf_hash AND NEW.received_at IS OLD.received_at
  AND NEW.source = '' AND NEW.type = '' AND NEW.control_id IS OLD.control_id AND NEW.system = ''
  AND NEW.actor_id = '' AND NEW.subject_id = '' AND NEW.occurred_at = '')
BEGIN SELECT RAISE(ABORT, 'entries are append-only (only a committed redaction empties a leaf)'); END;

-- A redacted entry's search rows held its field values: they may go (the leaf hash and controlId rows stay),
-- and are replaced by rows of the emptied values, which is what the indexer writes for it.
DROP TRIGGER entry_search_no_delete;
CREATE TRIGGER entry_search_no_delete BEFORE DELETE ON entry_search
WHEN NOT (
  OLD.field NOT IN (0, 2) AND OLD.value <> ''
  AND EXISTS (SELECT 1 FROM redactions r JOIN entries e ON e.idx = r.target_idx WHERE r.target_idx = OLD.idx AND e.leaf = X''))
BEGIN SELECT RAISE(ABORT, 'the search index is append-only'); END;
