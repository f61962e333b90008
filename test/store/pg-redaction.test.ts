/**
 * Redaction's database rule (migrations/postgres/007_redaction.sql) on a real PostgreSQL, with the
 * SQLite trigger tests' cases (test/ledger/audit-redaction.test.ts): the leaves are the real
 * ledger's, the steps the ones src/store/redaction-store.ts takes, in PostgreSQL's SQL.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { requestRedaction } from '../../src/ledger/redaction.js';
import type { EntryRow } from '../../src/store/index.js';
import { SEARCH_FIELDS } from '../../src/store/search-store.js';
import { openTestLedger, rotation } from '../support/ledger.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { migrateDatabase } from '../support/pg-migrate.js';
import { INDEX_CHUNK, attempt, insertEntry } from '../support/pg-seed.js';

const skip = postgresAvailable();
const APPROVER = 'test-admin';
const EMPTY = "leaf = '\\x', source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = ''";
const APPEND_ONLY = 'entries are append-only (only a committed redaction empties a leaf)';
const NOT_NAMED = 'redaction_approvals: the named entry is no redaction record of this target';

const values = (e: EntryRow): unknown[] => [e.index, Buffer.from(e.leaf), Buffer.from(e.leafHash), e.receivedAt, e.source, e.type, e.controlId, e.system, e.actorId, e.subjectId, e.occurredAt];

describe.skipIf(skip)('redaction on PostgreSQL: the database permits exactly the emptying', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let c: pg.Client;
  /** Entries 0..7 (rotations) as appended, and entry 8, the real ledger's redaction record of entry 2. */
  let log: EntryRow[];

  beforeAll(async () => {
    const t = openTestLedger();
    try {
      await t.ledger.append('test-writer', Array.from({ length: 8 }, (_, i) => rotation(i) as EvidenceRecord));
      log = Array.from({ length: 8 }, (_, i) => t.store.log.entry(i)!);
      await requestRedaction(t.ledger, { targetIndex: 2, reason: 'A password was pasted into details.note (SEC-3301).', ticket: 'SEC-3301', approver: APPROVER });
      log.push(t.store.log.entry(8)!);
    } finally {
      t.cleanup();
    }
    expect(log[8]!.type).toBe('redaction');
    db = await freshDatabase();
    migrateDatabase(db.url);
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    for (const e of log) await insertEntry(c, values(e));
    await c.query(INDEX_CHUNK, [0, log.length]);
    await c.query('INSERT INTO search_batches (through) VALUES ($1)', [log.length]);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  it('refuses, before any approval, the redaction row and the emptying', async () => {
    expect(await attempt(c, 'INSERT INTO redactions (target_idx, by_idx) VALUES (2, 8)')).toBe('redactions: no approval of this target by the named entry');
    expect(await attempt(c, `UPDATE entries SET ${EMPTY} WHERE idx = 2`)).toBe(APPEND_ONLY);
  });

  it('refuses an approval that no redaction entry of this target, leaf hash and approver backs', async () => {
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (7, 2, $1)', [APPROVER])).toBe(NOT_NAMED); // a rotation
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (8, 5, $1)', [APPROVER])).toBe(NOT_NAMED); // another target
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (8, 2, $1)', ['someone-else'])).toBe(NOT_NAMED);
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (9, 2, $1)', [APPROVER])).toBe(NOT_NAMED); // no such entry
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (8, 99, $1)', [APPROVER])).toBe(NOT_NAMED);
    expect((await c.query('SELECT count(*)::int AS n FROM redaction_approvals')).rows[0].n).toBe(0);
  });

  it('completes the redaction as the store does: approval, redaction, emptied entry, replaced search rows', async () => {
    const target = log[2]!;
    await c.query('BEGIN');
    await c.query('INSERT INTO redaction_approvals (by_idx, target_idx, approver) VALUES (8, 2, $1)', [APPROVER]);
    await c.query('INSERT INTO redactions (target_idx, by_idx) VALUES (2, 8)');
    await c.query(`UPDATE entries SET ${EMPTY} WHERE idx = 2`);
    const emptied: [keyof typeof SEARCH_FIELDS, string][] = [['type', target.type], ['system', target.system], ['actor', target.actorId], ['subject', target.subjectId], ['source', target.source]];
    for (const [field, value] of emptied) {
      const gone = await c.query("DELETE FROM entry_search WHERE field = $1 AND value = convert_to($2, 'UTF8') AND idx = 2", [SEARCH_FIELDS[field], value]);
      expect(gone.rowCount, field).toBe(1);
      await c.query("INSERT INTO entry_search (field, value, idx) VALUES ($1, '', 2)", [SEARCH_FIELDS[field]]);
    }
    await c.query('COMMIT');

    const row = (await c.query('SELECT * FROM entries WHERE idx = 2')).rows[0];
    expect(row).toEqual({
      idx: '2', leaf: Buffer.alloc(0), leaf_hash: Buffer.from(target.leafHash), received_at: target.receivedAt,
      source: '', type: '', control_id: target.controlId, system: '', actor_id: '', subject_id: '', occurred_at: '',
    });
    const search = await c.query("SELECT field::int, encode(value, 'hex') AS value FROM entry_search WHERE idx = 2 ORDER BY field");
    expect(search.rows).toEqual([
      { field: 0, value: Buffer.from(target.leafHash).toString('hex') },
      { field: 1, value: '' },
      { field: 2, value: Buffer.from(target.controlId).toString('hex') },
      { field: 3, value: '' },
      { field: 4, value: '' },
      { field: 5, value: '' },
      { field: 6, value: '' },
    ]);
  });

  it('refuses emptying a leaf no redaction names, or changing anything else of an entry, redacted or not', async () => {
    expect(await attempt(c, `UPDATE entries SET ${EMPTY} WHERE idx = 5`)).toBe(APPEND_ONLY);
    expect(await attempt(c, "UPDATE entries SET source = 'x' WHERE idx = 2")).toBe(APPEND_ONLY);
    expect(await attempt(c, "UPDATE entries SET subject_id = 'svc-ledger-export-2' WHERE idx = 2")).toBe(APPEND_ONLY);
    expect(await attempt(c, "UPDATE entries SET leaf_hash = '\\x00' WHERE idx = 2")).toBe(APPEND_ONLY);
    expect(await attempt(c, "UPDATE entries SET control_id = 'other' WHERE idx = 2")).toBe(APPEND_ONLY);
    expect(await attempt(c, "UPDATE entries SET received_at = '2030-01-01T00:00:00.000Z' WHERE idx = 2")).toBe(APPEND_ONLY);
    expect(await attempt(c, `UPDATE entries SET ${EMPTY} WHERE idx = 2`)).toBe(APPEND_ONLY); // once only
    expect(await attempt(c, 'DELETE FROM entries WHERE idx = 2')).toBe('entries are append-only');
  });

  it('cannot be fooled by temporary tables that shadow the rule\'s tables (pg_temp comes first in the search path)', async () => {
    await c.query('CREATE TEMP TABLE redactions (target_idx bigint, by_idx bigint)');
    await c.query('CREATE TEMP TABLE checkpoints (tree_size bigint)');
    try {
      await c.query('INSERT INTO redactions VALUES (5, 8)'); // the temporary table: no trigger there
      await c.query('INSERT INTO checkpoints VALUES (99)');
      expect(await attempt(c, `UPDATE entries SET ${EMPTY} WHERE idx = 5`)).toBe(APPEND_ONLY);
      expect(await attempt(c, 'DELETE FROM entry_search WHERE idx = 5 AND field = 5')).toBe('the search index is append-only');
      expect(await attempt(c, "INSERT INTO cosignatures VALUES (99, 'w', 1, 1, 'l', 'k', 'now')")).toBe('a cosignature needs the signed checkpoint it covers');
    } finally {
      await c.query('DROP TABLE pg_temp.redactions, pg_temp.checkpoints');
    }
  });

  it('refuses any change to approvals and redactions', async () => {
    expect(await attempt(c, 'INSERT INTO redactions (target_idx, by_idx) VALUES (5, 8)')).toBe('redactions: no approval of this target by the named entry');
    expect(await attempt(c, 'DELETE FROM redactions WHERE target_idx = 2')).toBe('redactions are append-only');
    expect(await attempt(c, 'UPDATE redactions SET target_idx = 4')).toBe('redactions are append-only');
    expect(await attempt(c, 'TRUNCATE redactions')).toBe('redactions are append-only');
    expect(await attempt(c, 'UPDATE redaction_approvals SET target_idx = 3 WHERE by_idx = 8')).toBe('redaction approvals are append-only');
    expect(await attempt(c, 'DELETE FROM redaction_approvals')).toBe('redaction approvals are append-only');
    expect(await attempt(c, 'TRUNCATE redaction_approvals CASCADE')).toMatch(/^redaction(s| approvals) are append-only$/);
  });

  it('refuses deleting search rows of entries that were not redacted, and the kept or emptied rows of one that was', async () => {
    expect(await attempt(c, 'DELETE FROM entry_search WHERE idx = 5 AND field = 5')).toBe('the search index is append-only');
    expect(await attempt(c, 'DELETE FROM entry_search WHERE idx = 2 AND field = 0')).toBe('the search index is append-only');
    expect(await attempt(c, 'DELETE FROM entry_search WHERE idx = 2 AND field = 2')).toBe('the search index is append-only');
    expect(await attempt(c, 'DELETE FROM entry_search WHERE idx = 2 AND field = 1')).toBe('the search index is append-only');
    expect((await c.query('SELECT count(*)::int AS n FROM entry_search')).rows[0].n).toBe(7 * log.length);
  });

  it('refuses an approval for a redaction record, or for an entry later than the record', async () => {
    // Hand-made records that name their target exactly; only the rule's order and type tests can refuse them.
    const record = (targetIndex: number, hash: Buffer) =>
      Buffer.from(JSON.stringify({ record: { actor: { id: APPROVER }, targetIndex, targetLeafHash: hash.toString('hex'), type: 'redaction' } }));
    const row = (idx: number, leaf: Buffer, hash: Buffer, type: string) =>
      [idx, leaf, hash, log[8]!.receivedAt, 'test-admin', type, 'LEDGER-REDACTION', 'ledger', APPROVER, 'ledger', log[8]!.occurredAt];
    const later = Buffer.alloc(32, 0xab);
    await insertEntry(c, row(9, record(8, Buffer.from(log[8]!.leafHash)), Buffer.alloc(32, 9), 'redaction'));
    await insertEntry(c, row(10, record(11, later), Buffer.alloc(32, 10), 'redaction'));
    await insertEntry(c, row(11, Buffer.from('{}'), later, 'rotation'));
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (9, 8, $1)', [APPROVER])).toBe(NOT_NAMED);
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (10, 11, $1)', [APPROVER])).toBe(NOT_NAMED);
    // The same record shape does pass when it names an earlier rotation: the refusals above are the rule's.
    await insertEntry(c, row(12, record(5, Buffer.from(log[5]!.leafHash)), Buffer.alloc(32, 12), 'redaction'));
    expect(await attempt(c, 'INSERT INTO redaction_approvals VALUES (12, 5, $1)', [APPROVER])).toBe('allowed');
  });
});
