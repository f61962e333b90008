/**
 * A tiny migration runner for the PostgreSQL schema tests, mirroring src/store/migrate.ts:
 * migrations/postgres/NNN_name.sql applied in order, one transaction each, recorded in
 * schema_migrations; a database that records a newer version is refused. Two runners at once
 * apply each migration once (an advisory lock serialises them). The real store's runner
 * (src/store/pg/) replaces this one.
 */
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
