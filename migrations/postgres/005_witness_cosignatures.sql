-- 005 (PostgreSQL twin of migrations/005_witness_cosignatures.sql): witness cosignatures (C2SP
-- tlog-cosignature v1) gathered for signed checkpoints. The checkpoint note itself never changes;
-- the ledger serves it followed by these lines. One line per (checkpoint, cosigner key): the first
-- verified one is kept (INSERT ... ON CONFLICT DO NOTHING). Append-only.

CREATE TABLE cosignatures (
  tree_size   BIGINT NOT NULL,
  -- The cosigner's key name and key ID, as on the signature line.
  cosigner    TEXT COLLATE "C" NOT NULL,
  key_hash    BIGINT NOT NULL CHECK (key_hash BETWEEN 0 AND 4294967295),
  -- POSIX seconds from the cosignature (tlog-cosignature timestamped_signature).
  "timestamp" BIGINT NOT NULL CHECK ("timestamp" >= 0),
  -- The signature line as received, without its newline.
  line        TEXT COLLATE "C" NOT NULL,
  -- The witness's verifier key (vkey, type 0x04) the line was verified with on arrival.
  witness_key TEXT COLLATE "C" NOT NULL,
  received_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tree_size, cosigner, key_hash)
);
CREATE INDEX cosignatures_by_cosigner ON cosignatures (cosigner, key_hash, tree_size);

-- The trigger functions below that read tables search this schema, then pg_temp (searched FIRST
-- unless listed), so that a temporary table named like a ledger table cannot stand in for it
-- inside a rule: SET search_path FROM CURRENT keeps the path set here, for this transaction only.
SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);

CREATE FUNCTION cosignatures_need_checkpoint() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM checkpoints WHERE tree_size = NEW.tree_size) THEN
    RAISE EXCEPTION 'a cosignature needs the signed checkpoint it covers'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cosignatures_need_checkpoint BEFORE INSERT ON cosignatures
  FOR EACH ROW EXECUTE FUNCTION cosignatures_need_checkpoint();
CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('cosignatures are append-only');
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('cosignatures are append-only');
CREATE TRIGGER cosignatures_no_truncate BEFORE TRUNCATE ON cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('cosignatures are append-only');
