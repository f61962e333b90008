/**
 * The PostgreSQL migrations for the schema tests: applied by the store's own runner
 * (migratePostgres in src/store/pg/pg-store.ts) over its own connection, and grants.sql applied
 * as an operator's psql would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { loadMigrations, type Migration } from '../../src/store/migrate.js';
import { PgConnection } from '../../src/store/pg/pg-connection.js';
import { PgDb } from '../../src/store/pg/pg-db.js';
import { migratePostgres, postgresMigrationsDir } from '../../src/store/pg/pg-store.js';

export function postgresMigrations(): Migration[] {
  return loadMigrations(postgresMigrationsDir());
}

/** Applies the pending migrations to the database at `url` with the store's runner; returns the versions applied now. */
export function migrateDatabase(url: string, migrations = postgresMigrations()): number[] {
  const db = new PgDb(PgConnection.open(url, { lockKey: '0' }), 'schema test');
  try {
    return migratePostgres(db, migrations);
  } finally {
    db.close();
  }
}

/**
 * Runs migrations/postgres/grants.sql for `role` on the database and schema `client` uses, as
 * `psql -v role=… -f grants.sql` would: psql's :'role' and :"role" become a quoted literal and
 * a quoted identifier.
 */
export async function applyGrants(client: pg.Client, role: string): Promise<void> {
  const sql = readFileSync(path.join(postgresMigrationsDir(), 'grants.sql'), 'utf8')
    .replaceAll(":'role'", client.escapeLiteral(role))
    .replaceAll(':"role"', client.escapeIdentifier(role));
  await client.query(sql);
}
