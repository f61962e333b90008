-- 006 (PostgreSQL twin of migrations/006_ledger_access.sql): the ledger's own access as evidence
-- (README, "The ledger's own access as evidence"). Each row below is written in the same
-- transaction as the log entry that records it, so a row exists exactly when its evidence does.

-- Tokens whose expiry has been recorded in the log (a `revocation` entry, reason "expired").
-- Append-only: an expiry is recorded once.
CREATE TABLE token_expiries (
  token_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES tokens (id),
  entry_index BIGINT NOT NULL,
  recorded_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER token_expiries_no_update BEFORE UPDATE ON token_expiries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('token expiries are append-only');
CREATE TRIGGER token_expiries_no_delete BEFORE DELETE ON token_expiries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('token expiries are append-only');
CREATE TRIGGER token_expiries_no_truncate BEFORE TRUNCATE ON token_expiries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('token expiries are append-only');

-- The trusted issuers (LEDGER_OIDC) as last recorded in the log: compared with the
-- configuration at every start, so that an issuer added, changed or removed is recorded once.
-- `fingerprint` is the SHA-256 hex of the issuer's canonical configuration. Not append-only:
-- the store upserts (ON CONFLICT DO UPDATE) and deletes rows, as on SQLite.
CREATE TABLE trusted_issuers (
  issuer      TEXT COLLATE "C" PRIMARY KEY,
  fingerprint TEXT COLLATE "C" NOT NULL,
  entry_index BIGINT NOT NULL
);

-- Checkpoint verifier keys whose use the log records (a `change` entry), one row each.
CREATE TABLE recorded_signing_keys (
  verifier_key TEXT COLLATE "C" PRIMARY KEY,
  entry_index  BIGINT NOT NULL
);
CREATE TRIGGER recorded_signing_keys_no_update BEFORE UPDATE ON recorded_signing_keys
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('recorded signing keys are append-only');
CREATE TRIGGER recorded_signing_keys_no_delete BEFORE DELETE ON recorded_signing_keys
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse('recorded signing keys are append-only');
CREATE TRIGGER recorded_signing_keys_no_truncate BEFORE TRUNCATE ON recorded_signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse('recorded signing keys are append-only');

-- Sources that sign their records: the Ed25519 public key now in force for each (raw 32 bytes),
-- and the log entry that registered it. A new registration replaces the key (ON CONFLICT DO
-- UPDATE); the log keeps both.
CREATE TABLE source_keys (
  source      TEXT COLLATE "C" PRIMARY KEY,
  public_key  BYTEA NOT NULL CHECK (length(public_key) = 32),
  entry_index BIGINT NOT NULL
);
