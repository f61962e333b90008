/**
 * The PostgreSQL store's one-writer rule: the sequencer's advisory lock, leader terms that fence
 * every write, followers that read but never write, and commits that are durable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store, StoreError } from '../../src/store/index.js';
import { PgConnection } from '../../src/store/pg/pg-connection.js';
import { PgDb } from '../../src/store/pg/pg-db.js';
import { freshSchemaUrl, testDatabaseUrl } from '../support/pg-schema.js';

const skip = testDatabaseUrl() ? false : 'no PostgreSQL (LEDGER_TEST_DATABASE_URL unset)';
if (skip) console.warn(`pg-leadership: skipped: ${skip}`);

const open: Store[] = [];
const schemas: { drop(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  for (const s of schemas.splice(0)) s.drop();
});

function schema(): string {
  const s = freshSchemaUrl();
  schemas.push(s);
  return s.url;
}

function store(url: string, options: { readonly?: boolean; follower?: boolean } = {}): Store {
  const s = Store.open(url, options);
  open.push(s);
  return s;
}

/** A session of its own on the same schema, outside any store (the test's hand on the database). */
function admin(url: string): PgDb {
  return new PgDb(PgConnection.open(url, { lockKey: '0' }), 'test');
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StoreError ? err.code : `not a StoreError: ${(err as Error).message}`;
  }
  return undefined;
}

describe.skipIf(skip)('PostgreSQL: one sequencer', () => {
  it('lets one writable store lead and refuses a second, naming the leader', () => {
    const url = schema();
    const first = store(url);
    expect(first.backend).toBe('postgres');
    expect(first.currentLeader()).toMatchObject({ term: 1, holder: String(process.pid) });
    expect(() => Store.open(url)).toThrow(/another ledger instance is the sequencer .*term 1/);
    expect(codeOf(() => Store.open(url))).toBe('LOCKED_BY_OTHER_WRITER');
  });

  it('lets a follower read everything and write nothing until it leads', () => {
    const url = schema();
    const leader = store(url);
    leader.setMeta('origin', 'example.com/log');
    const follower = store(url, { follower: true });
    expect(follower.meta('origin')).toBe('example.com/log');
    expect(follower.tryLead('follower', 'http://follower.test')).toBeUndefined();
    expect(codeOf(() => follower.setMeta('x', 'y'))).toBe('NOT_LEADER');
    expect(codeOf(() => follower.transaction(() => follower.setMeta('x', 'y')))).toBe('NOT_LEADER');
    expect(follower.meta('x')).toBeUndefined();

    leader.close();
    const term = follower.tryLead('follower', 'http://follower.test');
    expect(term).toMatchObject({ term: 2, holder: 'follower', url: 'http://follower.test' });
    expect(follower.currentLeader()).toEqual(term);
    follower.setMeta('x', 'y');
    expect(follower.meta('x')).toBe('y');
  });

  it('fences a leader whose term was replaced: its next write is refused and it is told once', () => {
    const url = schema();
    const leader = store(url);
    const lost: string[] = [];
    leader.onLeadershipLost((reason) => lost.push(reason));
    leader.setMeta('before', '1');
    // A new leader took over while this one was paused: its term is recorded as the newest.
    const hand = admin(url);
    try {
      hand.exec("BEGIN; LOCK TABLE leader_terms IN EXCLUSIVE MODE; INSERT INTO leader_terms (term, holder, url, started_at) VALUES (2, 'other', NULL, 'now'); COMMIT");
    } finally {
      hand.close();
    }
    expect(codeOf(() => leader.setMeta('after', '1'))).toBe('NOT_LEADER');
    expect(leader.meta('after')).toBeUndefined();
    // Refused for good, even were the lock still held: a lost term never comes back.
    expect(codeOf(() => leader.probeWritable())).toBe('NOT_LEADER');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/term 2 replaced this instance's term 1/);
  });

  it('loses leadership when its lock session dies, and another instance takes over', async () => {
    const url = schema();
    const leader = store(url);
    const lost = new Promise<string>((resolve) => leader.onLeadershipLost(resolve));
    const follower = store(url, { follower: true });
    expect(follower.tryLead('b', null)).toBeUndefined();
    const hand = admin(url);
    try {
      // The lock session is the one holding the advisory lock (key, hashtext(schema)).
      const pids = hand
        .prepare("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext(current_schema())::oid AND objsubid = 2 AND granted")
        .pluck()
        .all() as number[];
      expect(pids).toHaveLength(1);
      hand.prepare('SELECT pg_terminate_backend(?)').get(pids[0]);
    } finally {
      hand.close();
    }
    expect(await lost).toMatch(/lock session/);
    expect(codeOf(() => leader.setMeta('late', '1'))).toBe('NOT_LEADER');
    expect(follower.tryLead('b', null)).toMatchObject({ term: 2, holder: 'b' });
  });

  it('acknowledges commits only when durable: synchronous_commit is raised to on', () => {
    const url = new URL(schema());
    url.searchParams.set('options', `${url.searchParams.get('options')} -c synchronous_commit=off`);
    const s = store(url.toString());
    expect(s.db.prepare('SHOW synchronous_commit').pluck().get()).toBe('on');
  });

  it('opens read-only without migrating, leading or writing', () => {
    const url = schema();
    store(url).setMeta('origin', 'example.com/log');
    const reader = store(url, { readonly: true });
    expect(reader.meta('origin')).toBe('example.com/log');
    expect(reader.tryLead('r', null)).toBeUndefined();
    expect(() => reader.db.prepare("INSERT INTO meta (key, value) VALUES ('a', 'b')").get()).toThrow(/read-only transaction/);
  });
});
