import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../support/tmp.js';

/** TokenStore keeps found rows in memory; these prove a cached row never outlives a change. */
describe('token lookups', () => {
  let t: ReturnType<typeof tempDir>;
  let file: string;
  let store: Store;
  const hash = new Uint8Array(32).fill(7);
  beforeEach(() => {
    t = tempDir();
    file = path.join(t.dir, 'ledger.db');
    store = Store.open(file);
    store.tokens.add({ id: 'tok_1', hash, role: 'writer', source: 'ci', createdAt: '2026-11-28T00:00:00.000Z', expiresAt: null });
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('sees a revocation made through the store at the next lookup', () => {
    expect(store.tokens.findByHash(hash)?.revokedAt).toBeNull();
    expect(store.tokens.findByHash(hash)?.revokedAt).toBeNull();
    store.transaction(() => store.tokens.revokeById('tok_1', '2026-11-28T01:00:00.000Z'));
    expect(store.tokens.findByHash(hash)?.revokedAt).toBe('2026-11-28T01:00:00.000Z');
  });

  it('sees a revocation committed by another connection behind its back', () => {
    expect(store.tokens.findByHash(hash)?.revokedAt).toBeNull();
    const other = new Database(file);
    other.prepare("UPDATE tokens SET revoked_at = '2026-11-28T02:00:00.000Z' WHERE id = 'tok_1'").run();
    other.close();
    expect(store.tokens.findByHash(hash)?.revokedAt).toBe('2026-11-28T02:00:00.000Z');
  });

  it('finds a token added by another connection, and never caches an unknown one as known', () => {
    const later = new Uint8Array(32).fill(9);
    expect(store.tokens.findByHash(later)).toBeUndefined();
    const other = new Database(file);
    other.prepare("INSERT INTO tokens (id, token_hash, role, source, created_at) VALUES ('tok_2', ?, 'auditor', 'audit', 'x')").run(later);
    other.close();
    expect(store.tokens.findByHash(later)?.role).toBe('auditor');
  });

  it('hands out copies, so a caller cannot change what the next request sees', () => {
    const first = store.tokens.findByHash(hash)!;
    first.role = 'admin';
    expect(store.tokens.findByHash(hash)?.role).toBe('writer');
  });
});
