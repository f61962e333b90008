-- The ledger service's rights on PostgreSQL, and nothing more (docs/operations.md, "PostgreSQL").
-- Not a numbered migration: the operator runs it as the owner of the ledger's tables, after the
-- migrations (and again after every upgrade that adds a table), connected as the service will be
-- (the ledger's schema first in search_path: `public` unless you chose another):
--
--   psql -v ON_ERROR_STOP=1 -v role=ledger_service -d ledger -f migrations/postgres/grants.sql
--
-- `role` names an existing login role that owns nothing (CREATE ROLE ledger_service LOGIN
-- PASSWORD '…'). The service connects as that role: it reads and appends, and changes only what
-- the triggers permit anyway. No TRUNCATE, no DDL, no trigger control; the owner runs the
-- migrations. Sequences are never used: indexes come from the ledger's own counter.

-- Start from nothing, so that running this again gives exactly the rights below. No role may
-- create objects in the ledger's schema (PostgreSQL before 15 let everyone CREATE in `public`)
-- or temporary tables, which come first in the search path and so could shadow a ledger table
-- in a query (the trigger functions already list pg_temp last).
SELECT set_config('ledger.grantee', :'role', false);
DO $$
DECLARE
  grantee text := current_setting('ledger.grantee');
BEGIN
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', current_schema(), grantee);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', current_schema(), grantee);
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', current_schema(), grantee);
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), grantee);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), grantee);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), grantee);
  EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END $$;

-- Read and append everywhere.
GRANT SELECT, INSERT ON
  meta, entries, nodes, checkpoints, tokens, idempotency, period_closes, entry_search,
  search_batches, cosignatures, token_expiries, trusted_issuers, recorded_signing_keys,
  source_keys, redaction_approvals, redactions, control_heads, control_head_sizes, leader_terms
  TO :"role";
-- The service checks the schema version; the migrator (the owner) writes it.
GRANT SELECT ON schema_migrations TO :"role";

-- The changes the store makes (src/store/*.ts), each also bounded by a trigger:
-- revoking a token (tokens_only_revoke),
GRANT UPDATE (revoked_at) ON tokens TO :"role";
-- emptying a redacted entry's leaf and field copies (entries_no_update),
GRANT UPDATE (leaf, source, type, system, actor_id, subject_id, occurred_at) ON entries TO :"role";
-- replacing a redacted entry's search rows (entry_search_no_delete),
GRANT DELETE ON entry_search TO :"role";
-- the trusted issuers as last recorded (upsert and removal, no trigger: not evidence itself),
GRANT UPDATE (fingerprint, entry_index), DELETE ON trusted_issuers TO :"role";
-- a source's signing key replaced by a new registration (upsert),
GRANT UPDATE (public_key, entry_index) ON source_keys TO :"role";
-- and the leader's fencing: LOCK TABLE leader_terms IN EXCLUSIVE MODE and SELECT … FOR SHARE
-- need UPDATE on the table; leader_terms_no_update still refuses every actual UPDATE.
GRANT UPDATE ON leader_terms TO :"role";
