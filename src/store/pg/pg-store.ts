/**
 * The PostgreSQL side of Store.open: connects, migrates (migrations/postgres, in step with the
 * SQLite set), and holds what only PostgreSQL has: the sequencer's leadership (an advisory lock
 * plus an append-only record of leader terms that fences every write, pg-worker.ts) and the
 * clean-up a redaction needs.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { loadMigrations, migrationsDir, type Migration } from '../migrate.js';
import { PgConnection } from './pg-connection.js';
import { PgDb } from './pg-db.js';
import { hasTable } from '../sql.js';
import { redactedUrl } from './url.js';
import type { MaintenanceLevel } from './redaction-vacuum.js';

export { isPostgresUrl, redactedUrl } from './url.js';

export interface LeaderTerm {
  term: number;
  holder: string;
  url: string | null;
  startedAt: string;
}

/**
 * Advisory lock keys: the sequencer's and the one migrations run under, each taken as the pair
 * (key, hashtext(current_schema())) so that logs kept in different schemas of one database
 * (one per test, or per tenant) never wait on each other.
 */
const SEQUENCER_LOCK_KEY = lockKey('evidence-ledger/sequencer');
const MIGRATION_LOCK_KEY = lockKey('evidence-ledger/migrations');

function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readInt32BE(0).toString();
}

export function postgresMigrationsDir(): string {
  return path.join(migrationsDir(), 'postgres');
}

export class PostgresBackend {
  private lostCallbacks: ((reason: string) => void)[] = [];
  private lostReason: string | undefined;

  constructor(
    readonly db: PgDb,
    private readonly readonly: boolean,
  ) {
    // Only a store that led can lose leadership; a follower's refused write is no news.
    db.onNotLeader = (reason) => {
      if (this.led) this.leadershipLost(reason);
    };
  }

  private led = false;

  /** A fenced write transaction that writes nothing: the server answers, commits, and we still lead. */
  probeWritable(): void {
    if (this.readonly) throw new StoreError('UNAVAILABLE', 'the store is open read-only');
    this.db.transaction(() => undefined).immediate();
  }

  tryLead(holder: string, url: string | null): LeaderTerm | undefined {
    if (this.readonly) return undefined;
    const res = this.db.send({ op: 'lead', holder, url, startedAt: new Date().toISOString() }, 'cannot take the sequencer lock');
    if (res.term) this.led = true;
    return res.term ?? undefined;
  }

  /** Every write a follower refuses asks this (the `leader` member): prepared once. */
  #selectCurrentLeader: ReturnType<PgDb['prepare']> | undefined;

  currentLeader(): LeaderTerm | undefined {
    this.#selectCurrentLeader ??= this.db.prepare('SELECT term, holder, url, started_at AS "startedAt" FROM leader_terms ORDER BY term DESC LIMIT 1');
    return this.#selectCurrentLeader.get() as LeaderTerm | undefined;
  }

  onLeadershipLost(cb: (reason: string) => void): void {
    if (this.lostReason !== undefined) cb(this.lostReason);
    else this.lostCallbacks.push(cb);
  }

  /** Called by the connection when the thread reports the lock lost. */
  leadershipLost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    for (const cb of this.lostCallbacks.splice(0)) cb(reason);
  }

  /**
   * After a redaction: VACUUM removes the dead row versions that still hold the emptied leaf, so
   * that no snapshot can read them again and their space is reused. It runs on a session of its
   * own, not on the store's path (on a large log it takes a while), and again until nothing is
   * left (redaction-vacuum.ts). Copies PostgreSQL already wrote to its WAL, archives and replicas
   * age out with those: docs/operations.md.
   */
  vacuumRedacted(): boolean {
    this.db.send({ op: 'vacuum-redacted' }, 'cannot start VACUUM');
    return true;
  }

  /** Tables, their TOAST and indexes in this schema. */
  bytes(): number {
    return this.db
      .prepare(`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`)
      .pluck()
      .get() as number;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Connects and migrates. Writable opens lead at once unless `follower` is set (the service's
 * instances then take turns through tryLead), and fail like a second SQLite writer when
 * another instance leads.
 */
export function openPostgres(
  url: string,
  options: { readonly?: boolean; follower?: boolean; onMaintenance?: (message: string, level: MaintenanceLevel) => void } = {},
): PostgresBackend {
  let backend: PostgresBackend | undefined;
  const conn = PgConnection.open(url, {
    lockKey: SEQUENCER_LOCK_KEY,
    onEvent: (event) => {
      if (event.event === 'leadership-lost') backend?.leadershipLost(event.reason);
      else (options.onMaintenance ?? ((m) => process.stderr.write(`evidence-ledger: PostgreSQL maintenance: ${m}\n`)))(event.message, event.level);
    },
  });
  const db = new PgDb(conn, redactedUrl(url));
  backend = new PostgresBackend(db, options.readonly ?? false);
  try {
    if (options.readonly) db.exec('SET default_transaction_read_only = on');
    else migratePostgres(db);
    if (!options.readonly && !options.follower && !backend.tryLead(`${process.pid}`, null)) {
      const leader = backend.currentLeader();
      throw new StoreError(
        'LOCKED_BY_OTHER_WRITER',
        `another ledger instance is the sequencer of ${db.name}${leader ? ` (term ${leader.term}, ${leader.holder}${leader.url ? ` at ${leader.url}` : ''})` : ''}; ` +
          'a log has exactly one writer: stop it first, or run this one as a follower',
      );
    }
    return backend;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Applies pending migrations, all in one transaction, under an advisory lock so that
 * instances starting together apply each exactly once. Refuses a schema newer than this code.
 */
export function migratePostgres(db: PgDb, migrations: Migration[] = loadMigrations(postgresMigrationsDir())): number[] {
  db.prepare('SELECT pg_advisory_lock(CAST(? AS INTEGER), hashtext(current_schema()))').get(MIGRATION_LOCK_KEY);
  try {
    // An up-to-date schema is only read: the service role may have no right to create anything (grants.sql).
    const known = hasTable(db, 'schema_migrations');
    const newest = known ? ((db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0) : 0;
    if (newest > migrations.length) {
      throw new StoreError(
        'SCHEMA_TOO_NEW',
        `database schema version ${newest} is newer than this ledger supports (${migrations.length}); run a newer version of the ledger`,
      );
    }
    // PostgreSQL's DDL is transactional: every pending migration goes in one transaction, one round
    // trip, so a database is never left between two versions and a new one is made in one commit.
    const pending = migrations.slice(newest);
    if (pending.length === 0) return [];
    if (!known) db.exec('CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const at = quote(new Date().toISOString());
    const body = pending.map((m) => `${m.sql}\n;INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${quote(m.name)}, ${at});`);
    db.exec(`BEGIN;\n${body.join('\n')}\nCOMMIT;`);
    const done = pending.map((m) => m.version);
    return done;
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // Nothing was open.
    }
    throw err;
  } finally {
    db.prepare('SELECT pg_advisory_unlock(CAST(? AS INTEGER), hashtext(current_schema()))').get(MIGRATION_LOCK_KEY);
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
