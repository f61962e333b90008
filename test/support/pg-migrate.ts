/**
 * A tiny migration runner for the PostgreSQL schema tests, mirroring src/store/migrate.ts:
 * migrations/postgres/NNN_name.sql applied in order, one transaction each, recorded in
 * schema_migrations; a database that records a newer version is refused. Two runners at once
 * apply each migration once (an advisory lock serialises them). The real store's runner
 * (src/store/pg/) replaces this one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { loadMigrations, migrationsDir, type Migration } from '../../src/store/migrate.js';

/** Serialises runners (an advisory lock, held until each migration's transaction ends). */
const MIGRATION_LOCK = 0x6c656467; // "ledg"

export function postgresMigrations(): Migration[] {
  return loadMigrations(path.join(migrationsDir(), 'postgres'));
}

/** Applies the pending migrations on `client`; returns the versions applied now. */
export async function migratePostgres(client: pg.Client, migrations = postgresMigrations()): Promise<number[]> {
  const done: number[] = [];
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version BIGINT PRIMARY KEY, name TEXT COLLATE "C" NOT NULL, applied_at TEXT COLLATE "C" NOT NULL)`);
      const { rows } = await client.query<{ v: string | null }>('SELECT max(version) AS v FROM schema_migrations');
      const newest = Number(rows[0]!.v ?? 0);
      if (newest > migrations.length) {
        throw new Error(`database schema version ${newest} is newer than this ledger supports (${migrations.length})`);
      }
      const next = migrations[newest];
      if (!next) {
        await client.query('COMMIT');
        return done;
      }
      await client.query(next.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        next.version,
        next.name,
        new Date().toISOString(),
      ]);
      await client.query('COMMIT');
      done.push(next.version);
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }
}

/**
 * Runs migrations/postgres/grants.sql for `role` on the database `client` is connected to, as
 * `psql -v role=… -f grants.sql` would: psql's :"role" and :"DBNAME" become quoted identifiers.
 */
export async function applyGrants(client: pg.Client, role: string): Promise<void> {
  const dbname = (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
  const ident = (name: string) => client.escapeIdentifier(name);
  const sql = readFileSync(path.join(migrationsDir(), 'postgres', 'grants.sql'), 'utf8')
    .replaceAll(':"role"', ident(role))
    .replaceAll(':"DBNAME"', ident(dbname));
  await client.query(sql);
}
