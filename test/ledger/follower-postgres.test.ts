/**
 * Ledger roles on a real shared PostgreSQL database (a fresh database on the test run's server,
 * test/support/postgres.ts; skipped, saying why, where none can run): two stores, two connections, as two instances have. A
 * follower follows the leader's commits; a leader whose term was overtaken cannot commit (the
 * store's fencing: the term check inside its own write transaction), answers NOT_LEADER for what
 * it had queued and stops; the follower, granted the lock, continues the same chain.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { mapDomainError } from '../../src/http/errors-map.js';
import { Ledger, type LedgerDeps } from '../../src/ledger/ledger.js';
import { Store } from '../../src/store/index.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { TEST_SETTINGS, rotation, testSigner } from '../support/ledger.js';
import { waitFor } from '../reliability/support.js';

// Says why when PostgreSQL tests cannot run here.
const skip = postgresAvailable();

const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => rotation(from + i) as unknown as EvidenceRecord);

describe.skipIf(skip !== undefined)('leader and follower on one PostgreSQL database', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function twoInstances() {
    const db = await freshDatabase();
    const storeA = Store.open(db.url); // leads at once (not a follower)
    const storeB = Store.open(db.url, { follower: true });
    const base = { signer: testSigner(), crypto: nodeCrypto, settings: { ...TEST_SETTINGS, batchWaitMs: 0 } } satisfies Omit<LedgerDeps, 'store'>;
    const leader = Ledger.open({ ...base, store: storeA });
    const follower = Ledger.open({ ...base, store: storeB, role: 'follower' });
    const lost: string[] = [];
    storeA.onLeadershipLost((reason) => {
      lost.push(reason);
      leader.loseLeadership(reason);
    });
    cleanups.push(() => {
      leader.close();
      follower.close();
      storeA.close();
      storeB.close();
      return db.drop();
    });
    return { url: db.url, storeA, storeB, leader, follower, lost };
  }

  it('a follower on its own connection follows the leader, refuses writes, and takes over with the lock', async () => {
    const { storeA, storeB, leader, follower } = await twoInstances();
    await leader.append('src', records(0, 4));
    leader.tick();
    await expect.poll(() => follower.size, { timeout: 5000, interval: 20 }).toBe(4);
    expect(follower.latestCheckpoint()?.treeSize).toBe(4);
    expect(follower.proofs.consistency(1, 4).proof).toEqual(leader.proofs.consistency(1, 4).proof);
    await expect(follower.append('src', records(4, 1))).rejects.toMatchObject({ code: 'NOT_LEADER' });
    expect(storeB.tryLead('b', 'http://b')).toBeUndefined(); // A holds the lock

    leader.close();
    storeA.close(); // the lock session ends with it
    const term = storeB.tryLead('b', 'http://b');
    expect(term?.term).toBeGreaterThan(0);
    follower.promote(term!);
    const next = await follower.append('src', records(4, 2));
    expect(next.entries.map((e) => e.index)).toEqual([4, 5]);
    follower.tick();
    expect(storeB.checkpoints.latest()?.treeSize).toBe(6);
    expect(storeB.currentLeader()).toMatchObject({ term: term!.term, url: 'http://b' });
  });

  it('a leader whose term was overtaken cannot commit: its batch is refused (503 not-leader) and nothing is stored', async () => {
    const { url, storeA, leader, follower, lost } = await twoInstances();
    await leader.append('src', records(0, 2));
    // Another term is recorded behind the leader's back, while it still holds its lock.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanups.push(() => admin.end());
    await admin.query("INSERT INTO leader_terms (term, holder, url, started_at) SELECT max(term) + 1, 'intruder', 'http://intruder', 'x' FROM leader_terms");

    const refused = await leader.append('src', records(2, 3)).catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe('NOT_LEADER');
    const problem = mapDomainError(refused);
    expect(problem?.status).toBe(503);
    expect(problem?.type).toBe('urn:evidence-ledger:problem:not-leader');
    expect(problem?.headers).toEqual({ 'Retry-After': '1' });
    expect(storeA.log.size()).toBe(2);
    // The store reports the loss; the ledger stops taking writes.
    await waitFor(() => lost.length > 0, 'the leadership loss to be reported');
    expect(leader.role().role).toBe('follower');
    await expect(leader.append('src', records(5, 1))).rejects.toMatchObject({ code: 'NOT_LEADER' });
    // A follower names the newest term's URL.
    await expect(follower.append('src', records(5, 1))).rejects.toMatchObject({ code: 'NOT_LEADER', leader: 'http://intruder' });
  });
});
