/** API tokens, kept only as SHA-256 hashes. */
import type { Db } from './db.js';

export type TokenRole = 'writer' | 'auditor' | 'admin';

export interface TokenRow {
  id: string;
  role: TokenRole;
  source: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const COLUMNS = 'id, role, source, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt';

export class TokenStore {
  private readonly insert;
  private readonly byHash;
  private readonly byId;
  private readonly revoke;
  private readonly count;

  constructor(db: Db) {
    this.insert = db.prepare(`INSERT INTO tokens (id, token_hash, role, source, created_at, expires_at)
      VALUES (@id, @hash, @role, @source, @createdAt, @expiresAt)`);
    this.byHash = db.prepare(`SELECT ${COLUMNS} FROM tokens WHERE token_hash = ?`);
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM tokens WHERE id = ?`);
    this.revoke = db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.count = db.prepare('SELECT COUNT(*) FROM tokens').pluck();
  }

  add(token: Omit<TokenRow, 'revokedAt'> & { hash: Uint8Array }): void {
    this.insert.run(token);
  }

  findByHash(hash: Uint8Array): TokenRow | undefined {
    return this.byHash.get(hash) as TokenRow | undefined;
  }

  findById(id: string): TokenRow | undefined {
    return this.byId.get(id) as TokenRow | undefined;
  }

  /** Marks the token revoked; false when there is no such (unrevoked) token. */
  revokeById(id: string, at: string): boolean {
    return this.revoke.run(at, id).changes === 1;
  }

  total(): number {
    return this.count.get() as number;
  }
}
