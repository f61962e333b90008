/**
 * Rows for the PostgreSQL schema tests, written with plain SQL as the store would write them:
 * a small log (entries, nodes, a checkpoint and its cosignature, search rows, a token and its
 * recorded expiry, a period close, control heads, a leader term) in every append-only table.
 */
import type pg from 'pg';
import { SEARCH_COLUMNS, SEARCH_FIELDS, type SearchField } from '../../src/store/search-store.js';

/** The indexer's chunk as PostgreSQL SQL: text fields stored as their UTF-8 bytes (migration 004's convention). */
export const INDEX_CHUNK = `INSERT INTO entry_search (field, value, idx) ${Object.entries(SEARCH_COLUMNS)
  .map(([f, col]) => `SELECT ${SEARCH_FIELDS[f as SearchField]}, ${col === 'leaf_hash' ? col : `convert_to(${col}, 'UTF8')`}, idx FROM entries WHERE idx >= $1 AND idx < $2`)
  .join(' UNION ALL ')}`;

export const ENTRY_COLUMNS = 'idx, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at';

/** A plain entry row; its leaf hash is 32 bytes of `idx + 1`. */
export function entryValues(idx: number): unknown[] {
  return [idx, Buffer.from(`{"record":{"n":${idx}}}`), Buffer.alloc(32, idx + 1), `2026-09-14T02:00:0${idx}.000Z`,
    'ci-pipeline', 'rotation', 'ITGC-AC-07', 'payments-api-prod', 'vault-rotator', `svc-${idx}`, '2026-09-14T02:00:00Z'];
}

/** The message of the error `sql` raises, or 'allowed' when it succeeds. */
export async function attempt(c: pg.Client, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await c.query(sql, params);
    return 'allowed';
  } catch (err) {
    return (err as Error).message;
  }
}

export async function insertEntry(c: pg.Client, values: unknown[]): Promise<void> {
  await c.query(`INSERT INTO entries (${ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, values);
}

/** Three entries and one row in every other append-only table but the redaction ones. */
export async function seedLog(c: pg.Client): Promise<void> {
  for (let i = 0; i < 3; i++) await insertEntry(c, entryValues(i));
  await c.query(INDEX_CHUNK, [0, 3]);
  await c.query('INSERT INTO search_batches (through) VALUES (3)');
  await c.query("INSERT INTO nodes (level, idx, hash) VALUES (1, 0, '\\x0909')");
  await c.query("INSERT INTO checkpoints VALUES (2, '\\x00', 'note', '2026-09-14T02:00:01.000Z')");
  await c.query("INSERT INTO cosignatures VALUES (2, 'witness.example', 7, 1700000000, 'line', 'vkey', 'now')");
  await c.query("INSERT INTO tokens VALUES ('t1', '\\x01', 'writer', 'ci', 'a', 'b', NULL)");
  await c.query("INSERT INTO token_expiries VALUES ('t1', 2, 'now')");
  await c.query("INSERT INTO recorded_signing_keys VALUES ('vkey', 1)");
  await c.query("INSERT INTO period_closes VALUES ('2026-09-14', 'day', '2026-09-14T00:00:00.000Z', '2026-09-15T00:00:00.000Z', 3, 'now')");
  await c.query("INSERT INTO control_heads VALUES ('ITGC-AC-07', 3, 3, '\\x0a')");
  await c.query('INSERT INTO control_head_sizes VALUES (3)');
  await c.query("INSERT INTO leader_terms VALUES (1, 'host-a/123', 'http://10.0.0.1:8080', 'now')");
}
