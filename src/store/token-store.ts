/**
 * API tokens, kept only as SHA-256 hashes. Every request looks its token up, so rows found by
 * hash are kept in memory until the database may have changed them: our own writes clear the
 * cache here, and a commit by any other connection (an operator's sqlite3, a restore) moves
 * `PRAGMA data_version` (https://sqlite.org/pragma.html#pragma_data_version), which is read
 * before every lookup. A revocation is therefore seen by the very next request, as before.
 */
import type { Db } from './db.js';
import { dialectOf } from './sql.js';

export type TokenRole = 'writer' | 'auditor' | 'admin';

export interface TokenRow {
  id: string;
  role: TokenRole;
  source: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Tokens a ledger holds are few; past this many cached rows the cache starts over (bounded memory). */
const MAX_CACHED_TOKENS = 10_000;

const COLUMNS = 'id, role, source, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt';

export class TokenStore {
  private readonly insert;
  private readonly byHash;
  private readonly byId;
  private readonly revoke;
  private readonly count;
  private readonly dataVersion;
  /** Found rows by hash (latin1 of the 32 bytes); unknown hashes are not kept, so guessing cannot fill it. */
  private readonly cache = new Map<string, TokenRow>();
  private cachedAtVersion: unknown;

  constructor(db: Db) {
    this.insert = db.prepare(`INSERT INTO tokens (id, token_hash, role, source, created_at, expires_at)
      VALUES (@id, @hash, @role, @source, @createdAt, @expiresAt)`);
    this.byHash = db.prepare(`SELECT ${COLUMNS} FROM tokens WHERE token_hash = ?`);
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM tokens WHERE id = ?`);
    this.revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.count = db.prepare('SELECT COUNT(*) FROM tokens').pluck();
    // SQLite tells when another connection changed the file; PostgreSQL has no such counter, and
    // other instances revoke tokens there, so every lookup asks the database (no cache).
    this.dataVersion = dialectOf(db) === 'sqlite' ? db.prepare('PRAGMA data_version').pluck() : undefined;
  }

  add(token: Omit<TokenRow, 'revokedAt'> & { hash: Uint8Array }): void {
    this.cache.clear();
    this.insert.run(token);
  }

  findByHash(hash: Uint8Array): TokenRow | undefined {
    if (!this.dataVersion) return this.byHash.get(hash) as TokenRow | undefined;
    const version = this.dataVersion.get();
    if (version !== this.cachedAtVersion || this.cache.size >= MAX_CACHED_TOKENS) {
      this.cache.clear();
      this.cachedAtVersion = version;
    }
    const key = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
    const cached = this.cache.get(key);
    if (cached) return { ...cached };
    const row = this.byHash.get(hash) as TokenRow | undefined;
    if (row) this.cache.set(key, { ...row });
    return row;
  }

  findById(id: string): TokenRow | undefined {
    return this.byId.get(id) as TokenRow | undefined;
  }

  /** Marks the token revoked; false when there is no such (unrevoked) token. */
  revokeById(id: string, at: string): boolean {
    this.cache.clear();
    return this.revoke.run(at, id).changes === 1;
  }

  total(): number {
    return this.count.get() as number;
  }
}
