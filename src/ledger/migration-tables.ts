/**
 * Every table a ledger database holds, as `ledger migrate` copies and compares it: columns, the
 * key order rows are streamed in (a primary key, so both databases walk an index), and the
 * order tables are written in (a row's triggers and foreign keys see what they need first).
 * A table not named here stops the migration (see unknownTables): a table added by a later
 * migration must be added here too, or it would be silently left behind.
 */
export interface CopiedTable {
  name: string;
  columns: readonly string[];
  /** ORDER BY of the stream: the primary key. */
  key: readonly string[];
}

/** In write order: tokens before their expiries, checkpoints before their cosignatures. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: 'meta', columns: ['key', 'value'], key: ['key'] },
  { name: 'tokens', columns: ['id', 'token_hash', 'role', 'source', 'created_at', 'expires_at', 'revoked_at'], key: ['id'] },
  { name: 'token_expiries', columns: ['token_id', 'entry_index', 'recorded_at'], key: ['token_id'] },
  {
    name: 'entries',
    columns: ['idx', 'leaf', 'leaf_hash', 'received_at', 'source', 'type', 'control_id', 'system', 'actor_id', 'subject_id', 'occurred_at'],
    key: ['idx'],
  },
  { name: 'nodes', columns: ['level', 'idx', 'hash'], key: ['level', 'idx'] },
  { name: 'checkpoints', columns: ['tree_size', 'root_hash', 'note', 'signed_at'], key: ['tree_size'] },
  {
    name: 'cosignatures',
    columns: ['tree_size', 'cosigner', 'key_hash', '"timestamp"', 'line', 'witness_key', 'received_at'],
    key: ['tree_size', 'cosigner', 'key_hash'],
  },
  { name: 'period_closes', columns: ['period_id', 'kind', 'start', '"end"', 'tree_size', 'closed_at'], key: ['period_id'] },
  { name: 'idempotency', columns: ['source', 'key', 'request_hash', 'first_index', 'count', 'created_at'], key: ['source', 'key'] },
  // The search index as stored (a redacted entry keeps only its index and leaf-hash rows), so the
  // target serves queries at once instead of re-indexing the whole log.
  { name: 'entry_search', columns: ['field', 'value', 'idx'], key: ['field', 'value', 'idx'] },
  { name: 'search_batches', columns: ['through'], key: ['through'] },
  { name: 'trusted_issuers', columns: ['issuer', 'fingerprint', 'entry_index'], key: ['issuer'] },
  { name: 'recorded_signing_keys', columns: ['verifier_key', 'entry_index'], key: ['verifier_key'] },
  { name: 'source_keys', columns: ['source', 'public_key', 'entry_index'], key: ['source'] },
  { name: 'control_heads', columns: ['control_id', 'tree_size', 'count', 'chain'], key: ['control_id', 'tree_size'] },
  { name: 'control_head_sizes', columns: ['tree_size'], key: ['tree_size'] },
  // Written last, after every entry is in (migration-copy.ts, "redactions").
  { name: 'redaction_approvals', columns: ['by_idx', 'target_idx', 'approver'], key: ['by_idx'] },
  { name: 'redactions', columns: ['target_idx', 'by_idx'], key: ['target_idx'] },
];

/**
 * Tables each database keeps for itself: its own schema version (each backend has its own
 * migration set), and the target's sequencer terms (a SQLite log has one writer and records none).
 */
export const OWN_TABLES: readonly string[] = ['schema_migrations', 'leader_terms'];

export function copiedTable(name: string): CopiedTable {
  const table = COPIED_TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`no copied table ${name}`);
  return table;
}

/** The tables of `present` this code does not know (neither copied nor kept by each database). */
export function unknownTables(present: readonly string[]): string[] {
  const known = new Set([...COPIED_TABLES.map((t) => t.name), ...OWN_TABLES]);
  return present.filter((name) => !known.has(name)).sort();
}
