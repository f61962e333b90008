/**
 * A fresh, empty PostgreSQL schema per test ledger, on the run's throwaway cluster
 * (test/support/postgres.ts, started on first use) or the server LEDGER_TEST_DATABASE_URL names: a schema is made in milliseconds where a database takes a copy of
 * its template, and logs in different schemas lead apart (pg-store.ts). Synchronous, like
 * Store.open, through the store's own PostgreSQL connection.
 */
import { randomBytes } from 'node:crypto';
import { PgConnection } from '../../src/store/pg/pg-connection.js';
import { PgDb } from '../../src/store/pg/pg-db.js';
import { postgresAvailable, postgresServerUrl } from './postgres.js';

let admin: PgDb | undefined;

/** The test server's superuser URL, or undefined (with the reason printed once) when there is no PostgreSQL here. */
export function testDatabaseUrl(): string | undefined {
  return postgresServerUrl();
}

/** True when test ledgers are to be opened on PostgreSQL (LEDGER_TEST_BACKEND=postgres). */
export function testingOnPostgres(): boolean {
  return process.env.LEDGER_TEST_BACKEND === 'postgres';
}

/** Creates a schema and returns a URL whose sessions use it; `drop` removes it and all it holds. */
export function freshSchemaUrl(): { url: string; drop(): void } {
  const base = testDatabaseUrl();
  if (!base) throw new Error(`PostgreSQL is not available: ${postgresAvailable()}`);
  admin ??= new PgDb(PgConnection.open(base, { lockKey: '0' }), 'test admin');
  const schema = `t_${process.pid}_${randomBytes(5).toString('hex')}`;
  admin.exec(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    // The run's own cluster is thrown away whole at the end: dropping each schema (catalog work and a
    // commit each) is only worth it on a server that outlives the run.
    drop: () => {
      if (process.env.LEDGER_TEST_DATABASE_URL) admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
