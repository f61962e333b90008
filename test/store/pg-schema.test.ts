/**
 * The PostgreSQL schema (migrations/postgres/) against a real PostgreSQL: in step with the SQLite
 * set, applied once and only once, the same tables and columns as SQLite's, and the same
 * append-only guarantees held by the database itself, plus TRUNCATE, which SQLite does not have.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../src/store/migrate.js';
import { openDatabase, type SqliteDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { freshDatabase, postgresAvailable, withClient } from '../support/postgres.js';
import { migrateDatabase, postgresMigrations } from '../support/pg-migrate.js';
import { attempt, entryValues, insertEntry, seedLog } from '../support/pg-seed.js';
import { tempDir } from '../support/tmp.js';

const skip = postgresAvailable();

/** The SQLSTATE of the error `sql` raises, if it raises one. */
async function sqlstate(c: pg.Client, sql: string): Promise<string | undefined> {
  try {
    await c.query(sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('the two migration sets', () => {
  it('are in step: one PostgreSQL file per SQLite file, same number and name', () => {
    const names = (dir: string) => readdirSync(dir).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
    const sqlite = names(migrationsDir());
    expect(sqlite.length).toBeGreaterThanOrEqual(9);
    expect(names(path.join(migrationsDir(), 'postgres'))).toEqual(sqlite);
    expect(postgresMigrations().map((m) => m.version)).toEqual(sqlite.map((_, i) => i + 1));
  });
});

describe.skipIf(skip)('PostgreSQL migrations', () => {
  it('apply to an empty database, record every version, and apply nothing the second time', async () => {
    const db = await freshDatabase();
    try {
      const all = postgresMigrations().map((m) => m.version);
      expect(migrateDatabase(db.url)).toEqual(all);
      expect(migrateDatabase(db.url)).toEqual([]);
      await withClient(db.url, async (c) => {
        const { rows } = await c.query('SELECT version::int AS v, name FROM schema_migrations ORDER BY version');
        expect(rows.map((r) => r.v)).toEqual(all);
        expect(rows.map((r) => r.name)).toEqual(postgresMigrations().map((m) => m.name));
      });
    } finally {
      await db.drop();
    }
  });

  it('leave a failed run out whole (no version between two), and are refused by a database that records a newer version', async () => {
    const db = await freshDatabase();
    try {
      const first = postgresMigrations().slice(0, 1);
      const broken = [...first, { version: 2, name: '002_broken.sql', sql: 'CREATE TABLE half (x int); SELECT 1/0;' }];
      expect(() => migrateDatabase(db.url, broken)).toThrow(/division by zero/);
      await withClient(db.url, async (c) => {
        expect((await c.query("SELECT to_regclass('half') AS h, to_regclass('entries') AS e")).rows[0]).toEqual({ h: null, e: null });
        expect((await c.query('SELECT max(version)::int AS v FROM schema_migrations')).rows[0].v).toBeNull();
      });
      expect(migrateDatabase(db.url, first)).toEqual([1]);
      expect(() => migrateDatabase(db.url, [])).toThrow(/newer than this ledger supports/);
    } finally {
      await db.drop();
    }
  });

  it('refuse a database that is not UTF8', async () => {
    const db = await freshDatabase();
    const latin = `${new URL(db.url).pathname.slice(1)}_latin1`;
    const url = new URL(db.url);
    url.pathname = `/${latin}`;
    try {
      await withClient(db.url, (c) => c.query(`CREATE DATABASE ${latin} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
      expect(() => migrateDatabase(url.toString())).toThrow('the ledger needs a UTF8 database (this one is LATIN1)');
    } finally {
      await withClient(db.url, (c) => c.query(`DROP DATABASE IF EXISTS ${latin} WITH (FORCE)`));
      await db.drop();
    }
  });
});

/** SQLite's declared type -> PostgreSQL's information_schema data_type (brief: INTEGER -> BIGINT, BLOB -> BYTEA). */
function pgTypeOf(table: string, column: string, sqliteType: string): string[] {
  if (table === 'entry_search' && column === 'field') return ['bigint', 'smallint'];
  if (table === 'entry_search' && column === 'value') return ['bytea']; // untyped in SQLite: see 004
  return { INTEGER: ['bigint'], BLOB: ['bytea'], TEXT: ['text'] }[sqliteType] ?? [`(no mapping for ${sqliteType})`];
}

describe.skipIf(skip)('the PostgreSQL schema after all migrations', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let c: pg.Client;
  let lite: SqliteDb;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    db = await freshDatabase();
    migrateDatabase(db.url);
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    dir = tempDir('ledger-pg-schema-');
    lite = openDatabase(path.join(dir.dir, 'ledger.db'));
    migrate(lite);
  });
  afterAll(async () => {
    lite?.close();
    dir?.cleanup();
    await c?.end();
    await db?.drop();
  });

  const sqliteTables = () =>
    (lite.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]);

  it("has SQLite's tables and columns by name, with the types mapped, nullability and primary keys alike", async () => {
    const columns = await c.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`);
    const pgTables = [...new Set(columns.rows.map((r) => r.table_name))].sort();
    expect(pgTables).toEqual(sqliteTables());
    const pks = await c.query<{ table_name: string; cols: string[] }>(
      `SELECT t.relname AS table_name, array_agg(a.attname ORDER BY k.ord)::text[] AS cols
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE i.indisprimary AND n.nspname = 'public' GROUP BY t.relname`);
    for (const table of sqliteTables()) {
      const info = lite.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string; notnull: number; pk: number }[];
      const mine = columns.rows.filter((r) => r.table_name === table);
      expect(mine.map((r) => r.column_name), table).toEqual(info.map((i) => i.name));
      for (const [i, col] of info.entries()) {
        expect(pgTypeOf(table, col.name, col.type), `${table}.${col.name}`).toContain(mine[i]!.data_type);
        expect(mine[i]!.is_nullable === 'NO', `${table}.${col.name} NOT NULL`).toBe(col.notnull === 1 || col.pk > 0);
      }
      const sqlitePk = info.filter((i) => i.pk > 0).sort((a, b) => a.pk - b.pk).map((i) => i.name);
      expect(pks.rows.find((r) => r.table_name === table)?.cols ?? [], `${table} primary key`).toEqual(sqlitePk);
    }
  });

  it('has the same UNIQUE constraints and the same named indexes (003 and 004 dropped the same ones)', async () => {
    const sqliteUnique: string[] = [];
    for (const table of sqliteTables()) {
      for (const idx of lite.prepare(`PRAGMA index_list(${table})`).all() as { name: string; origin: string }[]) {
        if (idx.origin !== 'u') continue;
        const cols = (lite.prepare(`PRAGMA index_info(${idx.name})`).all() as { name: string }[]).map((x) => x.name);
        sqliteUnique.push(`${table}(${cols.join(',')})`);
      }
    }
    const pgUnique = await c.query<{ u: string }>(
      `SELECT t.relname || '(' || string_agg(a.attname, ',' ORDER BY k.ord) || ')' AS u
       FROM pg_constraint x JOIN pg_class t ON t.oid = x.conrelid
       CROSS JOIN LATERAL unnest(x.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE x.contype = 'u' AND x.connamespace = 'public'::regnamespace GROUP BY x.oid, t.relname`);
    expect(pgUnique.rows.map((r) => r.u).sort()).toEqual(sqliteUnique.sort());

    const sqliteIndexes = lite.prepare("SELECT tbl_name || '.' || name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1").pluck().all();
    const pgIndexes = await c.query<{ i: string }>(
      `SELECT tablename || '.' || indexname AS i FROM pg_indexes i WHERE schemaname = 'public'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = (quote_ident(i.indexname))::regclass) ORDER BY 1`);
    expect(pgIndexes.rows.map((r) => r.i)).toEqual(sqliteIndexes);
    expect(sqliteIndexes).toContain('cosignatures.cosignatures_by_cosigner');
  });

  it("has every SQLite trigger by name, plus a TRUNCATE trigger on exactly the tables that refuse DELETE", async () => {
    const sqliteTriggers = lite.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").pluck().all() as string[];
    const rows = await c.query<{ tgname: string; table: string; truncate: boolean }>(
      `SELECT tgname, tgrelid::regclass::text AS table, (tgtype & 32) <> 0 AS truncate FROM pg_trigger WHERE NOT tgisinternal`);
    const truncating = rows.rows.filter((r) => r.truncate);
    expect(rows.rows.filter((r) => !r.truncate).map((r) => r.tgname).sort()).toEqual(sqliteTriggers);
    const refusingDelete = sqliteTriggers.filter((t) => /_no_delete$/.test(t)).map((t) => t.replace(/_no_delete$/, '')).sort();
    expect(refusingDelete).toContain('entries');
    expect(truncating.map((r) => r.table).sort()).toEqual(refusingDelete);
    expect(truncating.every((r) => r.tgname === `${r.table}_no_truncate`)).toBe(true);
  });

  it('compares text in byte order, whatever the database locale: every text column of the migrations is COLLATE "C"', async () => {
    // schema_migrations is the runner's (src/store/pg/pg-store.ts), read by version only.
    const { rows } = await c.query(
      `SELECT table_name || '.' || column_name AS col, collation_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'schema_migrations' AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'`);
    expect(rows).toEqual([]);
  });
});

describe.skipIf(skip)('append-only tables on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let c: pg.Client;

  beforeAll(async () => {
    db = await freshDatabase();
    migrateDatabase(db.url);
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await seedLog(c);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  // [table, an UPDATE, the UPDATE's message, the DELETE's (and TRUNCATE's) message]
  const tables: [string, string, string, string][] = [
    ['entries', "UPDATE entries SET source = 'x' WHERE idx = 0", 'entries are append-only (only a committed redaction empties a leaf)', 'entries are append-only'],
    ['nodes', "UPDATE nodes SET hash = '\\x00'", 'nodes are append-only', 'nodes are append-only'],
    ['checkpoints', "UPDATE checkpoints SET note = 'forged'", 'checkpoints are append-only', 'checkpoints are append-only'],
    ['tokens', "UPDATE tokens SET role = 'admin'", 'tokens: only revocation is allowed', 'tokens are kept for the record; revoke instead'],
    ['period_closes', 'UPDATE period_closes SET tree_size = 5', 'period closes are append-only', 'period closes are append-only'],
    ['entry_search', 'UPDATE entry_search SET idx = idx + 100', 'the search index is append-only', 'the search index is append-only'],
    ['search_batches', 'UPDATE search_batches SET through = 2', 'search batches are append-only', 'search batches are append-only'],
    ['cosignatures', 'UPDATE cosignatures SET "timestamp" = 2', 'cosignatures are append-only', 'cosignatures are append-only'],
    ['token_expiries', 'UPDATE token_expiries SET entry_index = 9', 'token expiries are append-only', 'token expiries are append-only'],
    ['recorded_signing_keys', 'UPDATE recorded_signing_keys SET entry_index = 9', 'recorded signing keys are append-only', 'recorded signing keys are append-only'],
    ['control_heads', 'UPDATE control_heads SET count = 9', 'control heads are append-only', 'control heads are append-only'],
    ['control_head_sizes', 'UPDATE control_head_sizes SET tree_size = 9', 'control head sizes are append-only', 'control head sizes are append-only'],
    ['leader_terms', "UPDATE leader_terms SET holder = 'host-b'", 'leader terms are append-only', 'leader terms are append-only'],
  ];

  for (const [table, update, updateMessage, deleteMessage] of tables) {
    it(`${table}: refuses UPDATE, DELETE and TRUNCATE with the trigger's message, and keeps its rows`, async () => {
      const before = (await c.query(`SELECT * FROM ${table} t ORDER BY t::text`)).rows;
      expect(before.length).toBeGreaterThan(0);
      expect(await attempt(c, update)).toBe(updateMessage);
      expect(await attempt(c, `DELETE FROM ${table}`)).toBe(deleteMessage);
      expect(await attempt(c, `TRUNCATE ${table} CASCADE`)).toBe(deleteMessage);
      expect(await sqlstate(c, `DELETE FROM ${table}`)).toBe('23000');
      expect((await c.query(`SELECT * FROM ${table} t ORDER BY t::text`)).rows).toEqual(before);
    });
  }

  it('entries: refuses a gap, a repeated index and an upsert over an entry; takes the next index, also several in one statement', async () => {
    const size = async () => Number((await c.query('SELECT count(*) AS n FROM entries')).rows[0].n);
    const copy = (to: string) => `INSERT INTO entries SELECT ${to}, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at FROM entries`;
    const next = await size();
    const gap = 'entries: index must be the next one (append-only log)';
    expect(await attempt(c, `${copy('idx + 2')} WHERE idx = $1`, [next - 1])).toBe(gap);
    expect(await attempt(c, `${copy('$1 + 1 + idx / 2')} WHERE idx IN (0, 2)`, [next])).toBe(gap); // next + 1 and next + 2: a gap before
    expect(await attempt(c, `${copy('$1 + idx')} WHERE idx IN (0, 2)`, [next])).toBe(gap); // next, then a gap
    expect(await attempt(c, `${copy('-1 - idx')} WHERE idx = 0`)).toBe(gap);
    // A repeated index: the primary key refuses it before the statement's check (SQLite's row trigger says `gap`).
    expect(await attempt(c, 'INSERT INTO entries SELECT * FROM entries WHERE idx = 0')).toBe('duplicate key value violates unique constraint "entries_pkey"');
    expect(await attempt(c, "INSERT INTO entries SELECT * FROM entries WHERE idx = 0 ON CONFLICT (idx) DO UPDATE SET source = 'x'")).toBe(
      'entries are append-only (only a committed redaction empties a leaf)');
    expect(await size()).toBe(next);
    await insertEntry(c, entryValues(next));
    await c.query(`${copy('idx + 2')} WHERE idx IN ($1, $2)`, [next - 1, next]);
    expect(await size()).toBe(next + 3);
    expect((await c.query('SELECT max(idx)::int AS m FROM entries')).rows[0].m).toBe(next + 2);
  });

  it('tokens: a token may be revoked once, and changed in no other way', async () => {
    await c.query("INSERT INTO tokens VALUES ('t2', '\\x02', 'auditor', 'ci', 'a', NULL, NULL)");
    expect(await attempt(c, "UPDATE tokens SET expires_at = 'z' WHERE id = 't2'")).toBe('tokens: only revocation is allowed');
    expect(await attempt(c, "UPDATE tokens SET revoked_at = 'b', source = 'x' WHERE id = 't2'")).toBe('tokens: only revocation is allowed');
    expect((await c.query("UPDATE tokens SET revoked_at = 'b' WHERE id = 't2' AND revoked_at IS NULL")).rowCount).toBe(1);
    expect(await attempt(c, "UPDATE tokens SET revoked_at = 'c' WHERE id = 't2'")).toBe('tokens: only revocation is allowed');
    expect((await c.query("SELECT revoked_at FROM tokens WHERE id = 't2'")).rows[0].revoked_at).toBe('b');
  });

  it('cosignatures: need the checkpoint they cover; the first line per cosigner key is kept', async () => {
    expect(await attempt(c, "INSERT INTO cosignatures VALUES (5, 'w', 1, 1, 'l', 'k', 'now')")).toBe('a cosignature needs the signed checkpoint it covers');
    const again = await c.query("INSERT INTO cosignatures VALUES (2, 'witness.example', 7, 1, 'other', 'vkey', 'later') ON CONFLICT DO NOTHING");
    expect(again.rowCount).toBe(0);
    expect((await c.query("SELECT line FROM cosignatures WHERE tree_size = 2")).rows).toEqual([{ line: 'line' }]);
  });

  it("keeps SQLite's CHECK constraints", async () => {
    expect(await attempt(c, "INSERT INTO source_keys VALUES ('s', '\\x00', 1)")).toMatch(/source_keys_public_key_check/);
    expect(await attempt(c, "INSERT INTO tokens VALUES ('t3', '\\x03', 'root', 'ci', 'a', NULL, NULL)")).toMatch(/tokens_role_check/);
    expect(await attempt(c, "INSERT INTO period_closes VALUES ('p', 'week', 'a', 'b', 1, 'now')")).toMatch(/period_closes_kind_check/);
    expect(await attempt(c, "INSERT INTO period_closes VALUES ('p', 'day', 'b', 'a', 1, 'now')")).toMatch(/period_closes_check/);
    expect(await attempt(c, "INSERT INTO period_closes VALUES ('p', 'day', 'a', 'b', 0, 'now')")).toMatch(/period_closes_tree_size_check/);
    expect(await attempt(c, "INSERT INTO cosignatures VALUES (2, 'w', 4294967296, 1, 'l', 'k', 'now')")).toMatch(/cosignatures_key_hash_check/);
    expect(await attempt(c, "INSERT INTO cosignatures VALUES (2, 'w', 1, -1, 'l', 'k', 'now')")).toMatch(/cosignatures_timestamp_check/);
    expect(await attempt(c, "INSERT INTO token_expiries VALUES ('nobody', 1, 'now')")).toMatch(/foreign key/);
  });
});

describe.skipIf(skip)('logs in schemas of their own (one database, several logs, as pg-store.ts allows)', () => {
  it("each schema's rules read its own tables, whatever the session's search path, and no temporary table stands in for them", async () => {
    const db = await freshDatabase();
    const inSchema = (schema: string) => {
      const url = new URL(db.url);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    };
    try {
      await withClient(db.url, (c) => c.query('CREATE SCHEMA log_a; CREATE SCHEMA log_b'));
      expect(migrateDatabase(inSchema('log_a')).length).toBe(postgresMigrations().length);
      expect(migrateDatabase(inSchema('log_b')).length).toBe(postgresMigrations().length);
      await withClient(inSchema('log_a'), async (c) => {
        for (let i = 0; i < 3; i++) await insertEntry(c, entryValues(i));
      });
      await withClient(inSchema('log_b'), async (c) => {
        await insertEntry(c, entryValues(0));
        // Entry 3 of log_a is next there, though log_b (first in this session's path) has only entry 0.
        await c.query(`INSERT INTO log_a.entries SELECT 3, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at FROM log_a.entries WHERE idx = 0`);
        // A temporary `entries` holding 0..9 would make 10 look next; the rule reads log_a.entries.
        await c.query('CREATE TEMP TABLE entries AS SELECT * FROM log_a.entries WHERE false');
        await c.query(`INSERT INTO pg_temp.entries SELECT g, '\\x', '\\x', '', '', '', '', '', '', '', '' FROM generate_series(0, 9) g`);
        expect(await attempt(c, `INSERT INTO log_a.entries SELECT 10, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at FROM log_a.entries WHERE idx = 0`))
          .toBe('entries: index must be the next one (append-only log)');
        expect(await attempt(c, 'UPDATE log_a.entries SET source = $1 WHERE idx = 1', ['x'])).toBe('entries are append-only (only a committed redaction empties a leaf)');
        expect(await attempt(c, 'TRUNCATE log_a.nodes')).toBe('nodes are append-only');
      });
      const sizes = await withClient(db.url, (c) => c.query('SELECT (SELECT count(*) FROM log_a.entries)::int AS a, (SELECT count(*) FROM log_b.entries)::int AS b'));
      expect(sizes.rows[0]).toEqual({ a: 4, b: 1 });
    } finally {
      await db.drop();
    }
  });
});
