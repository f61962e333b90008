-- Witness cosignatures (C2SP tlog-cosignature v1) gathered for signed checkpoints. The
-- checkpoint note itself never changes; the ledger serves it followed by these lines.
-- One line per (checkpoint, cosigner key): the first verified one is kept. Append-only.

CREATE TABLE cosignatures (
  tree_size   INTEGER NOT NULL,
  -- The cosigner's key name and key ID, as on the signature line.
  cosigner    TEXT NOT NULL,
  key_hash    INTEGER NOT NULL CHECK (key_hash BETWEEN 0 AND 4294967295),
  -- POSIX seconds from the cosignature (tlog-cosignature timestamped_signature).
  "timestamp" INTEGER NOT NULL CHECK ("timestamp" >= 0),
  -- The signature line as received, without its newline.
  line        TEXT NOT NULL,
  -- The witness's verifier key (vkey, type 0x04) the line was verified with on arrival.
  witness_key TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (tree_size, cosigner, key_hash)
) WITHOUT ROWID;
CREATE INDEX cosignatures_by_cosigner ON cosignatures (cosigner, key_hash, tree_size);

CREATE TRIGGER cosignatures_need_checkpoint BEFORE INSERT ON cosignatures
WHEN NOT EXISTS (SELECT 1 FROM checkpoints WHERE tree_size = NEW.tree_size)
BEGIN SELECT RAISE(ABORT, 'a cosignature needs the signed checkpoint it covers'); END;
CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
