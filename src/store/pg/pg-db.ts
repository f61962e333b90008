/**
 * A PostgreSQL database behind the SqlDb interface the stores use (../sql.ts): statements in the
 * SQLite style, translated once (placeholders.ts) and run over the synchronous connection;
 * transactions nest with savepoints as better-sqlite3's do; `iterate` reads through a cursor.
 */
import type { SqlDb, SqlStatement, SqlTransaction } from '../sql.js';
import { StoreError } from '../errors.js';
import { asPgStoreError } from './pg-errors.js';
import { PgConnection, type OkResponse } from './pg-connection.js';
import { translatePlaceholders, type Translated } from './placeholders.js';
import type { Request } from './protocol.js';

/** Rows per cursor page: large enough to amortise the round trip, small enough to stay in a few MiB. */
const CURSOR_PAGE_ROWS = 512;

export class PgDb implements SqlDb {
  readonly dialect = 'postgres';
  private depth = 0;
  private writeDepth = 0;
  private closed = false;
  /** Told at once when the thread refuses a write for lost leadership (its own event comes later). */
  onNotLeader: ((reason: string) => void) | undefined;

  constructor(
    private readonly conn: PgConnection,
    readonly name: string,
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  /** True inside a transaction (statements then run in it; cursors share its snapshot). */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  prepare(sql: string): SqlStatement {
    return new PgStatement(this, translatePlaceholders(sql));
  }

  exec(sql: string): void {
    this.send({ op: 'exec', sql });
  }

  transaction<T>(fn: () => T): SqlTransaction<T> {
    return { immediate: () => this.inTx(fn, true), deferred: () => this.inTx(fn, false) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.close();
  }

  /** One request; refusals come back as the store's errors (pg-errors.ts). */
  send(req: Request, what = 'PostgreSQL refused the request'): OkResponse {
    try {
      return this.conn.request(req);
    } catch (err) {
      const mapped = asPgStoreError(err, what);
      if (mapped instanceof StoreError && mapped.code === 'NOT_LEADER') this.onNotLeader?.((err as Error).message);
      throw mapped;
    }
  }

  private inTx<T>(fn: () => T, write: boolean): T {
    if (this.depth > 0) {
      if (write && this.writeDepth === 0) throw new Error('a write transaction cannot run inside a read snapshot');
      return this.nested(fn);
    }
    this.send({ op: 'begin', write }, write ? 'cannot start a write transaction' : 'cannot start a read transaction');
    this.depth = 1;
    this.writeDepth = write ? 1 : 0;
    try {
      const result = fn();
      this.send({ op: 'commit' }, 'the commit failed');
      return result;
    } catch (err) {
      try {
        this.send({ op: 'rollback' });
      } catch {
        // The session is gone: PostgreSQL rolled back with it.
      }
      throw err;
    } finally {
      this.depth = 0;
      this.writeDepth = 0;
    }
  }

  private nested<T>(fn: () => T): T {
    const name = `ledger_sp_${this.depth}`;
    this.send({ op: 'query', sql: `SAVEPOINT ${name}`, params: [], array: false });
    this.depth++;
    try {
      const result = fn();
      this.send({ op: 'query', sql: `RELEASE SAVEPOINT ${name}`, params: [], array: false });
      return result;
    } catch (err) {
      this.send({ op: 'query', sql: `ROLLBACK TO SAVEPOINT ${name}`, params: [], array: false });
      throw err;
    } finally {
      this.depth--;
    }
  }
}

class PgStatement implements SqlStatement {
  private plucked = false;

  constructor(
    private readonly db: PgDb,
    private readonly sql: Translated,
  ) {}

  pluck(toggle = true): this {
    this.plucked = toggle;
    return this;
  }

  get(...params: unknown[]): unknown {
    return this.rows(params)[0];
  }

  all(...params: unknown[]): unknown[] {
    return this.rows(params);
  }

  /** A write outside a transaction runs in one of its own, so that it is fenced like every write. */
  run(...params: unknown[]): { changes: number } {
    if (!this.db.inTransaction) return this.db.transaction(() => this.run(...params)).immediate();
    const res = this.db.send({ op: 'query', sql: this.sql.text, params: this.values(params), array: false });
    return { changes: res.changes ?? 0 };
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    const open = this.db.send({ op: 'cursor-open', sql: this.sql.text, params: this.values(params), array: this.plucked });
    const cursor = open.cursor!;
    try {
      for (;;) {
        const page = this.db.send({ op: 'cursor-fetch', cursor, rows: CURSOR_PAGE_ROWS });
        for (const row of page.rows ?? []) yield this.shape(row);
        if (page.done) return;
      }
    } finally {
      this.db.send({ op: 'cursor-close', cursor });
    }
  }

  private rows(params: unknown[]): unknown[] {
    const res = this.db.send({ op: 'query', sql: this.sql.text, params: this.values(params), array: this.plucked });
    return (res.rows ?? []).map((row) => this.shape(row));
  }

  /** better-sqlite3's binding: positional values, or one object whose members name the parameters. */
  private values(params: unknown[]): unknown[] {
    const names = this.sql.names;
    if (!names) return params;
    const bag = params[0] as Record<string, unknown> | undefined;
    if (params.length !== 1 || typeof bag !== 'object' || bag === null) throw new TypeError(`named parameters need one object: ${this.sql.text}`);
    return names.map((name) => {
      if (!(name in bag)) throw new RangeError(`missing named parameter "${name}"`);
      return bag[name];
    });
  }

  /** Rows as better-sqlite3 gives them: byte strings as Buffers, plucked rows as their first value. */
  private shape(row: unknown): unknown {
    if (this.plucked) return asBuffer((row as unknown[])[0]);
    const r = row as Record<string, unknown>;
    for (const key of Object.keys(r)) r[key] = asBuffer(r[key]);
    return r;
  }
}

function asBuffer(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}
