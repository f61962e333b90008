-- The ledger's own access as evidence (README, "The ledger's own access as evidence").
-- Each row below is written in the same transaction as the log entry that records it, so a
-- row exists exactly when its evidence does.

-- Tokens whose expiry has been recorded in the log (a `revocation` entry, reason "expired").
-- Append-only: an expiry is recorded once.
CREATE TABLE token_expiries (
  token_id    TEXT PRIMARY KEY REFERENCES tokens (id),
  entry_index INTEGER NOT NULL,
  recorded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER token_expiries_no_update BEFORE UPDATE ON token_expiries
BEGIN SELECT RAISE(ABORT, 'token expiries are append-only'); END;
CREATE TRIGGER token_expiries_no_delete BEFORE DELETE ON token_expiries
BEGIN SELECT RAISE(ABORT, 'token expiries are append-only'); END;

-- The trusted issuers (LEDGER_OIDC) as last recorded in the log: compared with the
-- configuration at every start, so that an issuer added, changed or removed is recorded once.
-- `fingerprint` is the SHA-256 hex of the issuer's canonical configuration.
CREATE TABLE trusted_issuers (
  issuer      TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  entry_index INTEGER NOT NULL
) WITHOUT ROWID;

-- Checkpoint verifier keys whose use the log records (a `change` entry), one row each.
CREATE TABLE recorded_signing_keys (
  verifier_key TEXT PRIMARY KEY,
  entry_index  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER recorded_signing_keys_no_update BEFORE UPDATE ON recorded_signing_keys
BEGIN SELECT RAISE(ABORT, 'recorded signing keys are append-only'); END;
CREATE TRIGGER recorded_signing_keys_no_delete BEFORE DELETE ON recorded_signing_keys
BEGIN SELECT RAISE(ABORT, 'recorded signing keys are append-only'); END;

-- Sources that sign their records: the Ed25519 public key now in force for each (raw 32 bytes),
-- and the log entry that registered it. A new registration replaces the key; the log keeps both.
CREATE TABLE source_keys (
  source      TEXT PRIMARY KEY,
  public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
  entry_index INTEGER NOT NULL
) WITHOUT ROWID;
