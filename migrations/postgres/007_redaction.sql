-- 007 (PostgreSQL twin of migrations/007_redaction.sql): redaction (contract, "Redaction"). An
-- entry's leaf bytes, and the copies of its fields in `entries` and `entry_search`, may be removed,
-- and only when a committed `redaction` entry of the log names that entry and its leaf hash. The
-- leaf hash, the tree, every checkpoint and proof stay as they were. The database itself holds the
-- rule, so no code path (or hand with psql) can use it for anything else: every other UPDATE or
-- DELETE is still refused. PostgreSQL keeps the old row version until VACUUM (and in WAL and
-- backups): docs/operations.md says what an operator does after a redaction.

-- Each admin's approval: a `redaction` entry naming the target. The entry must exist and say so.
CREATE TABLE redaction_approvals (
  by_idx     BIGINT PRIMARY KEY,
  target_idx BIGINT NOT NULL,
  approver   TEXT COLLATE "C" NOT NULL,
  UNIQUE (target_idx, approver)
);

-- The approval that completed a redaction: from then on the target has no leaf.
CREATE TABLE redactions (
  target_idx BIGINT PRIMARY KEY,
  by_idx     BIGINT NOT NULL UNIQUE REFERENCES redaction_approvals (by_idx)
);

-- The trigger functions below that read tables search this schema, then pg_temp (searched FIRST
-- unless listed), so that a temporary table named like a ledger table cannot stand in for it
-- inside a rule: SET search_path FROM CURRENT keeps the path set here, for this transaction only.
SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);

-- The named entry is a redaction record (read from its own leaf) of exactly this target and
-- leaf hash, later than the target, by this approver; and the target is no redaction itself.
-- Checked step by step so that a leaf is parsed only once it is known to be a redaction record;
-- a leaf that is not UTF-8 JSON fails the rule like any other mismatch.
CREATE FUNCTION redaction_approvals_named() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
DECLARE
  r entries%ROWTYPE;
  t entries%ROWTYPE;
  rec json;
  named boolean := false;
BEGIN
  SELECT * INTO r FROM entries WHERE idx = NEW.by_idx;
  IF FOUND THEN
    SELECT * INTO t FROM entries WHERE idx = NEW.target_idx;
    IF FOUND AND r.idx > t.idx AND r.type = 'redaction' AND t.type NOT IN ('redaction', '') THEN
      BEGIN
        rec := convert_from(r.leaf, 'UTF8')::json -> 'record';
        named := json_typeof(rec -> 'targetIndex') = 'number'
          AND (rec ->> 'targetIndex')::numeric = NEW.target_idx
          AND json_typeof(rec -> 'targetLeafHash') = 'string'
          AND rec ->> 'targetLeafHash' = encode(t.leaf_hash, 'hex')
          AND json_typeof(rec -> 'actor' -> 'id') = 'string'
          AND rec -> 'actor' ->> 'id' = NEW.approver;
      EXCEPTION WHEN data_exception THEN
        named := false;
      END;
    END IF;
  END IF;
  IF named IS NOT TRUE THEN
    RAISE EXCEPTION 'redaction_approvals: the named entry is no redaction record of this target'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER redaction_approvals_named BEFORE INSERT ON redaction_approvals
  FOR EACH ROW EXECUTE FUNCTION redaction_approvals_named();
CREATE TRIGGER redaction_approvals_no_update BEFORE UPDATE ON redaction_approvals
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('redaction approvals are append-only');
CREATE TRIGGER redaction_approvals_no_delete BEFORE DELETE ON redaction_approvals
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('redaction approvals are append-only');
CREATE TRIGGER redaction_approvals_no_truncate BEFORE TRUNCATE ON redaction_approvals
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('redaction approvals are append-only');

CREATE FUNCTION redactions_named() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM redaction_approvals a WHERE a.by_idx = NEW.by_idx AND a.target_idx = NEW.target_idx) THEN
    RAISE EXCEPTION 'redactions: no approval of this target by the named entry'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER redactions_named BEFORE INSERT ON redactions
  FOR EACH ROW EXECUTE FUNCTION redactions_named();
CREATE TRIGGER redactions_no_update BEFORE UPDATE ON redactions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('redactions are append-only');
CREATE TRIGGER redactions_no_delete BEFORE DELETE ON redactions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('redactions are append-only');
CREATE TRIGGER redactions_no_truncate BEFORE TRUNCATE ON redactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('redactions are append-only');

-- The one UPDATE an entry may ever see: its leaf and field copies emptied, its index, leaf hash,
-- receivedAt (which period closes count by) and controlId (a redacted entry stays in its control's
-- population: contract, "Control reports") kept, once, under a committed redaction.
CREATE FUNCTION entries_no_update() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  IF (EXISTS (SELECT 1 FROM redactions WHERE target_idx = OLD.idx)
    AND length(OLD.leaf) > 0 AND NEW.leaf = '\x'::bytea
    AND NEW.idx IS NOT DISTINCT FROM OLD.idx AND NEW.leaf_hash IS NOT DISTINCT FROM OLD.leaf_hash
    AND NEW.received_at IS NOT DISTINCT FROM OLD.received_at
    AND NEW.source = '' AND NEW.type = '' AND NEW.control_id IS NOT DISTINCT FROM OLD.control_id
    AND NEW.system = '' AND NEW.actor_id = '' AND NEW.subject_id = '' AND NEW.occurred_at = '') IS NOT TRUE
  THEN
    RAISE EXCEPTION 'entries are append-only (only a committed redaction empties a leaf)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER entries_no_update ON entries;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
  FOR EACH ROW EXECUTE FUNCTION entries_no_update();

-- A redacted entry's search rows held its field values: they may go (the leaf hash and controlId
-- rows stay), and are replaced by rows of the emptied values, which is what the indexer writes for
-- it. Field codes 0 and 2 are leafHash and controlId (SEARCH_FIELDS); '\x' is the empty value.
CREATE FUNCTION entry_search_no_delete() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  IF (OLD.field NOT IN (0, 2) AND OLD.value <> '\x'::bytea
    AND EXISTS (SELECT 1 FROM redactions r JOIN entries e ON e.idx = r.target_idx
                WHERE r.target_idx = OLD.idx AND e.leaf = '\x'::bytea)) IS NOT TRUE
  THEN
    RAISE EXCEPTION 'the search index is append-only' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN OLD;
END $$;
DROP TRIGGER entry_search_no_delete ON entry_search;
CREATE TRIGGER entry_search_no_delete BEFORE DELETE ON entry_search
  FOR EACH ROW EXECUTE FUNCTION entry_search_no_delete();
