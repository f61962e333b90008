/**
 * The ledger's storage: the only module that speaks SQL. One SQLite file holds the log
 * (entries, tree nodes), every signed checkpoint, tokens and idempotency keys.
 */
import { openDatabase, type Db, type OpenOptions } from './db.js';
import { migrate } from './migrate.js';
import { LogStore } from './log-store.js';
import { CheckpointStore } from './checkpoint-store.js';
import { TokenStore } from './token-store.js';
import { IdempotencyStore } from './idempotency-store.js';
import { asStoreError } from './errors.js';

export * from './errors.js';
export type { EntryRow, EntryFilter } from './log-store.js';
export type { CheckpointRow } from './checkpoint-store.js';
export type { TokenRow, TokenRole } from './token-store.js';
export type { IdempotencyRow } from './idempotency-store.js';
export { LogStore, CheckpointStore, TokenStore, IdempotencyStore };

export class Store {
  readonly log: LogStore;
  readonly checkpoints: CheckpointStore;
  readonly tokens: TokenStore;
  readonly idempotency: IdempotencyStore;
  private readonly getMeta;
  private readonly putMeta;

  private constructor(readonly db: Db) {
    this.log = new LogStore(db);
    this.checkpoints = new CheckpointStore(db);
    this.tokens = new TokenStore(db);
    this.idempotency = new IdempotencyStore(db);
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  }

  /** Opens (creating if needed) and migrates the database. Read-only opens skip migrations. */
  static open(file: string, options: OpenOptions = {}): Store {
    const db = openDatabase(file, options);
    try {
      if (!options.readonly) migrate(db);
      return new Store(db);
    } catch (err) {
      db.close();
      throw asStoreError(err, `cannot prepare database ${file}`);
    }
  }

  meta(key: string): string | undefined {
    return this.getMeta.get(key) as string | undefined;
  }

  /** Records a meta value once; meta values are facts about the log, never changed. */
  setMeta(key: string, value: string): void {
    this.putMeta.run(key, value);
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it is written, or none. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      throw asStoreError(err, 'transaction failed');
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
