import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Store, StoreError, type EntryRow } from '../../src/store/index.js';
import { loadMigrations } from '../../src/store/migrate.js';
import { tempDir } from '../support/tmp.js';

function row(index: number, overrides: Partial<EntryRow> = {}): EntryRow {
  return {
    index,
    leaf: new TextEncoder().encode(`leaf-${index}`),
    leafHash: new Uint8Array(32).fill(index % 256),
    receivedAt: `2026-09-14T02:00:00.${String(index % 1000).padStart(3, '0')}Z`,
    source: 'ci-pipeline',
    type: 'rotation',
    controlId: 'ITGC-AC-07',
    system: 'payments-api-prod',
    actorId: 'spiffe://corp/vault-rotator',
    subjectId: 'svc-ledger-export',
    occurredAt: '2026-09-14T02:00:00Z',
    ...overrides,
  };
}

describe('store', () => {
  let t: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    t = tempDir();
    file = path.join(t.dir, 'sub', 'ledger.db');
  });
  afterEach(() => t.cleanup());

  it('applies every migration once and records it', () => {
    const s = Store.open(file);
    const versions = s.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(loadMigrations().map((m) => m.version));
    s.close();
    const again = Store.open(file);
    expect(again.db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(versions.length);
    again.close();
  });

  it('keeps WAL and synchronous=FULL on every open, including a reopen of an existing WAL file', () => {
    for (let i = 0; i < 2; i++) {
      const s = Store.open(file);
      expect(s.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(s.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      s.close();
    }
  });

  it('refuses a database written by a newer ledger', () => {
    Store.open(file).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')").run();
    raw.close();
    expect(() => Store.open(file)).toThrow(StoreError);
    try {
      Store.open(file);
    } catch (err) {
      expect((err as StoreError).code).toBe('SCHEMA_TOO_NEW');
    }
  });

  it('refuses a file that is not a database', () => {
    writeFileSync(file.replace('sub/', ''), 'this is not sqlite'.repeat(100));
    expect(() => Store.open(file.replace('sub/', ''))).toThrow(StoreError);
  });

  describe('append-only tables', () => {
    let s: Store;
    beforeEach(() => {
      s = Store.open(file);
      s.transaction(() =>
        s.log.append([row(0), row(1)], [{ level: 1, index: 0, hash: new Uint8Array(32).fill(9) }]),
      );
      s.transaction(() =>
        s.checkpoints.add({ treeSize: 2, rootHash: new Uint8Array(32), note: 'n', signedAt: 'now' }),
      );
    });
    afterEach(() => s.close());

    const attacks: [string, string][] = [
      ['update an entry', "UPDATE entries SET source = 'x' WHERE idx = 0"],
      ['update a leaf', "UPDATE entries SET leaf = x'00' WHERE idx = 1"],
      ['delete an entry', 'DELETE FROM entries WHERE idx = 1'],
      ['replace an entry', "INSERT OR REPLACE INTO entries SELECT * FROM entries WHERE idx = 0"],
      ['skip an index', "INSERT INTO entries SELECT 5, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at FROM entries WHERE idx = 0"],
      ['update a node', 'UPDATE nodes SET hash = x\'00\''],
      ['delete a node', 'DELETE FROM nodes'],
      ['replace a node', "INSERT OR REPLACE INTO nodes VALUES (1, 0, x'00')"],
      ['update a checkpoint', "UPDATE checkpoints SET note = 'forged'"],
      ['delete a checkpoint', 'DELETE FROM checkpoints'],
      ['replace a checkpoint', "INSERT OR REPLACE INTO checkpoints VALUES (2, x'00', 'forged', 'now')"],
    ];
    for (const [what, sql] of attacks) {
      it(`refuses to ${what}`, () => {
        expect(() => s.db.exec(sql)).toThrow();
        expect(s.log.size()).toBe(2);
        expect(s.log.entry(0)?.source).toBe('ci-pipeline');
        expect(s.log.getNode(1, 0)).toEqual(new Uint8Array(32).fill(9));
        expect(s.checkpoints.latest()?.note).toBe('n');
      });
    }

    it('writes nothing of a batch that fails halfway', () => {
      expect(() => s.transaction(() => s.log.append([row(2), row(2)], []))).toThrow();
      expect(s.log.size()).toBe(2);
    });

    it('reads nodes at level 0 from the entries and above from the node table', () => {
      expect(s.log.getNode(0, 1)).toEqual(new Uint8Array(32).fill(1));
      expect(() => s.log.getNode(1, 1)).toThrow(/missing/);
    });
  });

  it('lets a token be revoked once and changed in no other way', () => {
    const s = Store.open(file);
    s.tokens.add({ id: 't1', hash: new Uint8Array(32), role: 'writer', source: 'ci', createdAt: 'a', expiresAt: null });
    expect(() => s.db.exec("UPDATE tokens SET role = 'admin'")).toThrow();
    expect(() => s.db.exec('DELETE FROM tokens')).toThrow();
    expect(s.tokens.revokeById('t1', 'b')).toBe(true);
    expect(s.tokens.revokeById('t1', 'c')).toBe(false);
    expect(s.tokens.findByHash(new Uint8Array(32))?.revokedAt).toBe('b');
    s.close();
  });

  it('filters and paginates entries through the indexed columns', () => {
    const s = Store.open(file);
    s.transaction(() =>
      s.log.append(
        Array.from({ length: 10 }, (_, i) => row(i, { system: i % 2 ? 'odd' : 'even' })),
        [],
      ),
    );
    expect(s.log.list({ system: 'odd' }, 100).map((r) => r.index)).toEqual([1, 3, 5, 7, 9]);
    expect(s.log.list({ system: 'odd', afterIndex: 3 }, 2).map((r) => r.index)).toEqual([5, 7]);
    expect(s.log.list({ beforeIndex: 3 }, 100).map((r) => r.index)).toEqual([0, 1, 2]);
    expect([...s.log.iterate(8)].map((r) => r.index)).toEqual([8, 9]);
    expect(s.log.countReceivedBefore('2026-09-14T02:00:00.005Z')).toBe(5);
    s.close();
  });
});
