/**
 * The ledger's storage: the only module that speaks SQL. One SQLite file holds the log
 * (entries, tree nodes), its search index, every signed checkpoint, period closes, tokens and
 * idempotency keys.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, probeWritable, type Db, type OpenOptions, type SqliteDb } from './db.js';
import { migrate } from './migrate.js';
import { LogStore } from './log-store.js';
import { SearchStore } from './search-store.js';
import { CheckpointStore } from './checkpoint-store.js';
import { TokenStore } from './token-store.js';
import { IdempotencyStore } from './idempotency-store.js';
import { PeriodStore } from './period-store.js';
import { CosignatureStore } from './cosignature-store.js';
import { TileStore } from './tile-store.js';
import { AccessStore } from './access-store.js';
import { RedactionStore } from './redaction-store.js';
import { ControlHeadsStore } from './control-heads-store.js';
import { StoreError, asStoreError } from './errors.js';
import { WriterLock } from './writer-lock.js';
import { dialectOf } from './sql.js';
import { isPostgresUrl, openPostgres, type LeaderTerm, type PostgresBackend } from './pg/pg-store.js';
import type { MaintenanceLevel } from './pg/redaction-vacuum.js';

export * from './errors.js';
export type { EntryRow, EntryFilter } from './log-store.js';
export type { CheckpointRow } from './checkpoint-store.js';
export type { TokenRow, TokenRole } from './token-store.js';
export type { IdempotencyRow } from './idempotency-store.js';
export type { PeriodCloseRow, PeriodCloseKind } from './period-store.js';
export type { CosignatureRow } from './cosignature-store.js';
export type { BundleLeaf } from './tile-store.js';
export type { TrustedIssuerRow, SourceKeyRow, ExpiredTokenRow } from './access-store.js';
export type { RedactionRow } from './redaction-store.js';
export { ControlHeadsStore, type StoredHead } from './control-heads-store.js';
export { SEARCH_FIELDS, SEARCH_FIELD_NAMES, searchValues, type SearchField, type SearchValue } from './search-store.js';
export { LogStore, CheckpointStore, TokenStore, IdempotencyStore, PeriodStore, SearchStore, CosignatureStore, TileStore, AccessStore, RedactionStore };
export { WriterLock, writerLockPath } from './writer-lock.js';
export { isPostgresUrl, type LeaderTerm } from './pg/pg-store.js';
export type { Dialect } from './sql.js';
export { backupDatabase, installDatabaseFile, removeDatabaseFiles, type BackupSummary } from './backup.js';

export class Store {
  readonly log: LogStore;
  /** The query index kept behind the log (migration 004, src/ledger/search-indexer.ts). */
  readonly search: SearchStore;
  readonly checkpoints: CheckpointStore;
  readonly tokens: TokenStore;
  readonly idempotency: IdempotencyStore;
  readonly periods: PeriodStore;
  /** Witness cosignatures of signed checkpoints (src/ledger/witnessing.ts). */
  readonly cosignatures: CosignatureStore;
  /** Range reads for C2SP tlog-tiles (src/ledger/tiles.ts). */
  readonly tiles: TileStore;
  /** What the log records of the ledger's own access (src/ledger/access-*.ts). */
  readonly access: AccessStore;
  /** Redaction approvals and completed redactions (contract, "Redaction"). */
  readonly redactions: RedactionStore;
  /** Control heads behind each checkpoint's completeness line (docs/completeness.md). */
  readonly controlHeads: ControlHeadsStore;
  private readonly getMeta;
  private readonly putMeta;

  private constructor(
    readonly db: Db,
    private readonly writerLock?: WriterLock,
    private readonly postgres?: PostgresBackend,
  ) {
    this.search = new SearchStore(db);
    this.log = new LogStore(db, this.search);
    this.checkpoints = new CheckpointStore(db);
    this.tokens = new TokenStore(db);
    this.idempotency = new IdempotencyStore(db);
    this.periods = new PeriodStore(db);
    this.cosignatures = new CosignatureStore(db);
    this.tiles = new TileStore(db);
    this.access = new AccessStore(db);
    this.redactions = new RedactionStore(db);
    this.controlHeads = new ControlHeadsStore(db);
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  }

  /**
   * Opens (creating if needed) and migrates the database: a SQLite file, or PostgreSQL when
   * `file` is a postgres:// URL (pg/pg-store.ts). A writable open first takes the writer lock
   * (one writer per log: SQLite's file lock, PostgreSQL's sequencer lock) and then proves it can
   * commit; read-only opens do neither and skip migrations. `follower` (PostgreSQL only) opens
   * writable without leading: the store writes nothing until tryLead succeeds.
   */
  /**
   * `follower`: a PostgreSQL store that waits for leadership; `onMaintenance`: where PostgreSQL's
   * background maintenance (VACUUM after a redaction) reports what an operator should know.
   */
  static open(file: string, options: OpenOptions & { follower?: boolean; onMaintenance?: (message: string, level: MaintenanceLevel) => void } = {}): Store {
    if (isPostgresUrl(file)) {
      const backend = openPostgres(file, options);
      try {
        return new Store(backend.db, undefined, backend);
      } catch (err) {
        backend.close();
        throw err;
      }
    }
    const writable = !options.readonly && file !== ':memory:';
    if (writable) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const lock = writable ? WriterLock.acquire(file) : undefined;
    let db: SqliteDb | undefined;
    try {
      db = openDatabase(file, options);
      if (!options.readonly) migrate(db);
      if (writable) probeWritable(db as SqliteDb);
      return new Store(db, lock);
    } catch (err) {
      db?.close();
      lock?.release();
      throw asStoreError(err, `cannot prepare database ${file}`);
    }
  }

  /** Which database this is. */
  get backend(): 'sqlite' | 'postgres' {
    return dialectOf(this.db);
  }

  /** The SQLite connection, for what only SQLite has (pragmas, online backup). */
  get sqlite(): SqliteDb {
    if (this.postgres) throw new StoreError('UNAVAILABLE', 'this ledger runs on PostgreSQL: SQLite-only operations (file backup, pragmas) do not apply');
    return this.db as SqliteDb;
  }

  /** Throws a StoreError unless the database can commit right now (see probeWritable). */
  probeWritable(): void {
    if (this.postgres) this.postgres.probeWritable();
    else probeWritable(this.sqlite);
  }

  /**
   * Tries to become the only sequencer of this log. PostgreSQL: the advisory lock and a new
   * leader term, after which every write transaction is fenced by that term (pg-worker.ts);
   * SQLite: the writer lock taken at open already makes this the one writer (term 0); a
   * read-only store never leads.
   */
  tryLead(holder: string, url: string | null): LeaderTerm | undefined {
    if (this.postgres) return this.postgres.tryLead(holder, url);
    return this.writerLock ? { term: 0, holder, url, startedAt: new Date().toISOString() } : undefined;
  }

  /** PostgreSQL: bytes of the log's tables and their indexes (metrics); undefined on SQLite. */
  postgresBytes(): number | undefined {
    return this.postgres?.bytes();
  }

  /** The newest leader term (who sequences now, and where), when one was recorded (PostgreSQL). */
  currentLeader(): LeaderTerm | undefined {
    return this.postgres?.currentLeader();
  }

  /** `cb` runs once if this instance loses the leadership it held (PostgreSQL). */
  onLeadershipLost(cb: (reason: string) => void): void {
    this.postgres?.onLeadershipLost(cb);
  }

  meta(key: string): string | undefined {
    return this.getMeta.get(key) as string | undefined;
  }

  /** Records a meta value once; meta values are facts about the log, never changed. */
  setMeta(key: string, value: string): void {
    this.putMeta.run(key, value);
  }

  /**
   * Runs `fn` in one read transaction: every read sees the same snapshot of the file (WAL), even
   * while the service commits to it. Long reads hold back WAL checkpoints meanwhile.
   */
  readSnapshot<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it is written, or none. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      throw asStoreError(err, 'transaction failed');
    }
  }

  /**
   * Copies the WAL into the database and truncates it to zero bytes (https://sqlite.org/pragma.html#pragma_wal_checkpoint),
   * so that pages a redaction overwrote (secure_delete zeroes them in the new versions) no longer
   * exist in their old versions in the -wal file. False when a reader held it back (retry later).
   */
  truncateWal(): boolean {
    if (this.postgres) return this.postgres.vacuumRedacted();
    const [result] = this.sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return result !== undefined && result.busy === 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.writerLock?.release();
    this.postgres?.close();
  }
}
