/**
 * The service's least-privilege role (migrations/postgres/grants.sql) on a real PostgreSQL: it
 * reads and appends, makes exactly the changes the store makes, and can do nothing else (no
 * TRUNCATE, no DDL, no trigger control, no temporary tables to shadow the triggers' tables).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { freshDatabase, postgresAvailable, withClient } from '../support/postgres.js';
import { applyGrants, migrateDatabase } from '../support/pg-migrate.js';
import { insertEntry, seedLog } from '../support/pg-seed.js';

const skip = postgresAvailable();

const TABLES = [
  'checkpoints', 'control_head_sizes', 'control_heads', 'cosignatures', 'entries', 'entry_search', 'idempotency',
  'leader_terms', 'meta', 'nodes', 'period_closes', 'recorded_signing_keys', 'redaction_approvals', 'redactions',
  'search_batches', 'source_keys', 'token_expiries', 'tokens', 'trusted_issuers',
];

/** Every column the role may UPDATE (what the store updates; leader_terms: see 009, the triggers refuse it all). */
const UPDATABLE = [
  'entries.actor_id', 'entries.leaf', 'entries.occurred_at', 'entries.source', 'entries.subject_id', 'entries.system', 'entries.type',
  'leader_terms.holder', 'leader_terms.started_at', 'leader_terms.term', 'leader_terms.url',
  'source_keys.entry_index', 'source_keys.public_key',
  'tokens.revoked_at',
  'trusted_issuers.entry_index', 'trusted_issuers.fingerprint',
];

async function attempt(c: pg.Client, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await c.query(sql, params);
    return 'allowed';
  } catch (err) {
    await c.query('ROLLBACK'); // ends a transaction `sql` opened (outside one: a warning, no error)
    return (err as Error).message;
  }
}

describe.skipIf(skip)('the service role on PostgreSQL', () => {
  const role = `ledger_svc_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let owner: pg.Client;
  let svc: pg.Client;

  beforeAll(async () => {
    db = await freshDatabase();
    migrateDatabase(db.url);
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    await owner.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
    await applyGrants(owner, role);
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    svc = new pg.Client({ connectionString: url.toString() });
    await svc.connect();
  });
  afterAll(async () => {
    await svc?.end();
    await owner?.end();
    await db?.drop();
    if (db) await withClient(db.url.replace(/\/[^/]*$/, '/postgres'), (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('holds exactly SELECT and INSERT on every table, DELETE only where the store deletes, UPDATE only of the listed columns, and owns nothing', async () => {
    const { rows } = await owner.query<{ t: string; s: boolean; i: boolean; u: boolean; d: boolean; tr: boolean; r: boolean; tg: boolean }>(
      `SELECT c.relname AS t, has_table_privilege($1, c.oid, 'SELECT') AS s, has_table_privilege($1, c.oid, 'INSERT') AS i,
        has_table_privilege($1, c.oid, 'UPDATE') AS u, has_table_privilege($1, c.oid, 'DELETE') AS d,
        has_table_privilege($1, c.oid, 'TRUNCATE') AS tr, has_table_privilege($1, c.oid, 'REFERENCES') AS r,
        has_table_privilege($1, c.oid, 'TRIGGER') AS tg
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY c.relname`, [role]);
    const expected = [...TABLES, 'schema_migrations'].sort().map((t) => ({
      t, s: true, i: t !== 'schema_migrations', u: t === 'leader_terms', d: t === 'entry_search' || t === 'trusted_issuers', tr: false, r: false, tg: false,
    }));
    expect(rows).toEqual(expected);
    const columns = await owner.query<{ c: string }>(
      `SELECT table_name || '.' || column_name AS c FROM information_schema.column_privileges
       WHERE grantee = $1 AND privilege_type = 'UPDATE' ORDER BY 1`, [role]);
    expect(columns.rows.map((r) => r.c)).toEqual(UPDATABLE);
    const owned = await owner.query('SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)', [role]);
    expect(owned.rows).toEqual([]);
  });

  it('reads and appends in every table', async () => {
    await seedLog(svc);
    await svc.query("INSERT INTO meta VALUES ('origin', 'ledger.test/log')");
    await svc.query("INSERT INTO idempotency VALUES ('ci', 'k1', '\\x01', 0, 3, 'now')");
    await svc.query("INSERT INTO source_keys VALUES ('ci', $1, 1)", [Buffer.alloc(32, 1)]);
    await svc.query("INSERT INTO trusted_issuers VALUES ('https://idp', 'f1', 1)");
    for (const t of TABLES) {
      expect((await svc.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n, t).toBeGreaterThanOrEqual(t.startsWith('redaction') ? 0 : 1);
    }
    expect((await svc.query('SELECT max(version)::int AS v FROM schema_migrations')).rows[0].v).toBeGreaterThanOrEqual(9);
  });

  it("makes the store's own changes: revoking a token, upserting issuers and source keys, dropping an issuer, ignoring a second cosignature", async () => {
    expect((await svc.query("UPDATE tokens SET revoked_at = 'b' WHERE id = 't1' AND revoked_at IS NULL")).rowCount).toBe(1);
    await svc.query(`INSERT INTO trusted_issuers (issuer, fingerprint, entry_index) VALUES ('https://idp', 'f2', 2)
      ON CONFLICT (issuer) DO UPDATE SET fingerprint = excluded.fingerprint, entry_index = excluded.entry_index`);
    expect((await svc.query("SELECT fingerprint FROM trusted_issuers WHERE issuer = 'https://idp'")).rows[0].fingerprint).toBe('f2');
    expect((await svc.query("DELETE FROM trusted_issuers WHERE issuer = 'https://idp'")).rowCount).toBe(1);
    await svc.query(`INSERT INTO source_keys (source, public_key, entry_index) VALUES ('ci', $1, 2)
      ON CONFLICT (source) DO UPDATE SET public_key = excluded.public_key, entry_index = excluded.entry_index`, [Buffer.alloc(32, 2)]);
    expect((await svc.query("SELECT public_key FROM source_keys WHERE source = 'ci'")).rows[0].public_key).toEqual(Buffer.alloc(32, 2));
    expect((await svc.query("INSERT INTO cosignatures VALUES (2, 'witness.example', 7, 5, 'l2', 'vkey', 'x') ON CONFLICT DO NOTHING")).rowCount).toBe(0);
  });

  it("takes the leader's fencing locks and appends a term; the trigger still refuses changing one", async () => {
    await svc.query('BEGIN');
    await svc.query('LOCK TABLE leader_terms IN EXCLUSIVE MODE');
    await svc.query("INSERT INTO leader_terms SELECT max(term) + 1, 'host-b/7', NULL, 'now' FROM leader_terms");
    await svc.query('COMMIT');
    await svc.query('BEGIN');
    const newest = await svc.query('SELECT term::int, holder FROM leader_terms ORDER BY term DESC LIMIT 1 FOR SHARE');
    await svc.query('COMMIT');
    expect(newest.rows).toEqual([{ term: 2, holder: 'host-b/7' }]);
    expect(await attempt(svc, "UPDATE leader_terms SET holder = 'host-c'")).toBe('leader terms are append-only');
    expect(await attempt(svc, 'DELETE FROM leader_terms')).toMatch(/^permission denied for table leader_terms/);
  });

  it('completes a redaction: approval, redaction, emptied entry, replaced search rows', async () => {
    const target = (await svc.query('SELECT * FROM entries WHERE idx = 1')).rows[0];
    const record = { record: { actor: { id: 'admin-1' }, targetIndex: 1, targetLeafHash: target.leaf_hash.toString('hex'), type: 'redaction' } };
    const next = (await svc.query('SELECT max(idx)::int + 1 AS n FROM entries')).rows[0].n as number;
    await insertEntry(svc, [next, Buffer.from(JSON.stringify(record)), Buffer.alloc(32, 0x77), '2026-09-14T03:00:00.000Z', 'admin', 'redaction', 'LEDGER-REDACTION', 'ledger', 'admin-1', 'ledger', '2026-09-14T03:00:00Z']);
    await svc.query('BEGIN');
    await svc.query("INSERT INTO redaction_approvals VALUES ($1, 1, 'admin-1')", [next]);
    await svc.query('INSERT INTO redactions VALUES (1, $1)', [next]);
    await svc.query("UPDATE entries SET leaf = '\\x', source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = '' WHERE idx = 1");
    expect((await svc.query("DELETE FROM entry_search WHERE field = 5 AND value = convert_to($1, 'UTF8') AND idx = 1", [target.subject_id])).rowCount).toBe(1);
    await svc.query("INSERT INTO entry_search (field, value, idx) VALUES (5, '', 1)");
    await svc.query('COMMIT');
    expect((await svc.query('SELECT length(leaf) AS n FROM entries WHERE idx = 1')).rows[0].n).toBe(0);
  });

  it('is refused every other change, TRUNCATE, DDL, trigger control and temporary tables', async () => {
    const refusals: [string, RegExp][] = [
      ["UPDATE entries SET leaf_hash = '\\x00' WHERE idx = 0", /^permission denied for table entries$/],
      ["UPDATE entries SET control_id = 'x' WHERE idx = 0", /^permission denied for table entries$/],
      ["UPDATE tokens SET role = 'admin'", /^permission denied for table tokens$/],
      ["UPDATE meta SET value = 'x'", /^permission denied for table meta$/],
      ["UPDATE idempotency SET count = 9", /^permission denied for table idempotency$/],
      ['UPDATE nodes SET hash = hash', /^permission denied for table nodes$/],
      ['DELETE FROM entries', /^permission denied for table entries$/],
      ['DELETE FROM checkpoints', /^permission denied for table checkpoints$/],
      ['DELETE FROM idempotency', /^permission denied for table idempotency$/],
      ['DELETE FROM source_keys', /^permission denied for table source_keys$/],
      ["INSERT INTO schema_migrations VALUES (99, '099_x.sql', 'now')", /^permission denied for table schema_migrations$/],
      ['TRUNCATE entries', /^permission denied for table entries$/],
      ['TRUNCATE idempotency', /^permission denied for table idempotency$/],
      ['BEGIN; LOCK TABLE entries IN EXCLUSIVE MODE; COMMIT', /^permission denied for table entries$/],
      ['DROP TABLE entries', /^must be owner of table entries$/],
      ['ALTER TABLE entries DISABLE TRIGGER entries_no_update', /^must be owner of table entries$/],
      ['ALTER TABLE entries ADD COLUMN x int', /^must be owner of table entries$/],
      ['DROP TRIGGER entries_dense ON entries', /^must be owner of (table|relation) entries$/],
      ['CREATE TABLE stray (x int)', /^permission denied for schema public$/],
      ['CREATE OR REPLACE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$', /^permission denied for schema public$/],
      ['CREATE TEMP TABLE redactions (target_idx bigint)', /^permission denied to create temporary tables in database/],
      ['CREATE SCHEMA mine', /^permission denied for database/],
      ["SET session_replication_role = 'replica'", /^permission denied to set parameter "session_replication_role"$/],
    ];
    for (const [sql, refusal] of refusals) expect(await attempt(svc, sql), sql).toMatch(refusal);
    // Without the grant option a GRANT only warns; it grants nothing.
    await svc.query('GRANT DELETE ON entries TO PUBLIC');
    expect((await owner.query("SELECT has_table_privilege('public', 'entries', 'DELETE') AS d")).rows[0].d).toBe(false);
    expect((await svc.query('SELECT count(*)::int AS n FROM entries')).rows[0].n).toBe(4);
  });

  // The store as the service role, its schema migrated by the owner: an up-to-date schema is only read.
  it('opens the real store as that role on a schema the owner migrated, and leads', () => {
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    const store = Store.open(url.toString());
    try {
      store.probeWritable();
      expect(store.currentLeader()?.holder).toBe(String(process.pid));
    } finally {
      store.close();
    }
  });

  it('can be granted again: a second run gives exactly the same rights', async () => {
    const rights = () => owner.query(`SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = $1
      UNION ALL SELECT table_name || '.' || column_name, privilege_type FROM information_schema.column_privileges WHERE grantee = $1 ORDER BY 1, 2`, [role]);
    const before = (await rights()).rows;
    await owner.query(`GRANT DELETE ON nodes TO ${role}`);
    await applyGrants(owner, role);
    expect((await rights()).rows).toEqual(before);
  });
});
