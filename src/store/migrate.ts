/**
 * Numbered SQL migrations from `migrations/NNN_name.sql`, applied in order inside one
 * transaction each and recorded in `schema_migrations`. A database that records a migration
 * this code does not know came from a newer ledger and is refused.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqliteDb } from './db.js';
import { StoreError } from './errors.js';

const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The repository's `migrations/` folder, found from this file in `src/` or in `dist/src/`. */
export function migrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the migrations/ folder next to package.json');
}

export function loadMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => FILE_NAME.test(f))
    .sort()
    .map((f, i) => {
      const version = Number(FILE_NAME.exec(f)![1]);
      if (version !== i + 1) throw new Error(`migrations must be numbered 001, 002, … without gaps: ${f}`);
      return { version, name: f, sql: readFileSync(path.join(dir, f), 'utf8') };
    });
}

/** Applies pending migrations; returns the versions applied now. */
export function migrate(db: SqliteDb, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
  }[];
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > migrations.length) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `database schema version ${newest} is newer than this ledger supports (${migrations.length}); ` +
        'run a newer version of the ledger',
    );
  }
  const done: number[] = [];
  for (const m of migrations.slice(newest)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }).immediate();
    done.push(m.version);
  }
  return done;
}
