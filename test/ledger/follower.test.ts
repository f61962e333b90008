/**
 * Ledger roles on SQLite: a follower beside the sequencer. One Store object shared by two Ledgers
 * stands for two instances on one database (what PostgreSQL gives); a read-only Store on the same
 * file is the single-host read replica. A follower writes nothing, follows the leader's commits,
 * refuses writes with NOT_LEADER, and once promoted continues the same chain and tree.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { LedgerError, NotLeaderError } from '../../src/ledger/errors.js';
import { Ledger, type LedgerDeps } from '../../src/ledger/ledger.js';
import { rootAt, verifyConsistency } from '../../src/merkle/index.js';
import { Store } from '../../src/store/index.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf } from '../../src/note/index.js';
import { fakeLeadership } from '../support/leadership.js';
import { TEST_SETTINGS, rotation, testSigner } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';

const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => rotation(from + i) as unknown as EvidenceRecord);

describe('a follower beside the sequencer', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  function twoInstances() {
    const t = tempDir('ledger-follower-');
    const store = Store.open(path.join(t.dir, 'ledger.db'));
    const now = { ms: Date.parse('2026-09-14T02:00:00.000Z') };
    const base: LedgerDeps = { store, signer: testSigner(), crypto: nodeCrypto, settings: { ...TEST_SETTINGS, batchWaitMs: 0 }, clock: () => now.ms };
    const leader = Ledger.open(base);
    const leadership = fakeLeadership({ url: 'http://leader.example:8080' });
    const follower = Ledger.open({ ...base, role: 'follower', leadership });
    cleanups.push(() => {
      leader.close();
      follower.close();
      store.close();
      t.cleanup();
    });
    return { store, leader, follower, leadership, now, dir: t.dir };
  }

  it('follows the leader: size, root, latest checkpoint and search progress come from the store', async () => {
    const { leader, follower, store } = twoInstances();
    expect(follower.size).toBe(0);
    await leader.append('src', records(0, 5));
    leader.tick();
    follower.tick();
    expect(follower.size).toBe(5);
    expect(follower.latestCheckpoint()?.treeSize).toBe(5);
    expect(follower.checkpointToServe()?.note).toBe(leader.checkpointToServe()?.note);
    expect(follower.proofs.consistency(2, 5).proof).toEqual(leader.proofs.consistency(2, 5).proof);
    await leader.append('src', records(5, 3));
    // Without a tick: a size read looks at the store (at most every 50 ms).
    await expect.poll(() => follower.size, { timeout: 2000, interval: 20 }).toBe(8);
    leader.indexSearchStep(100);
    follower.tick();
    expect(follower.searchIndexedThrough).toBe(store.search.indexedThrough());
    expect(follower.searchIndexedThrough).toBe(8);
  });

  it('refuses every write with NOT_LEADER, naming the leader, and writes nothing itself', async () => {
    const { leader, follower, store } = twoInstances();
    await leader.append('src', records(0, 3));
    const signedBefore = store.checkpoints.latest();
    follower.start();
    const refused = await follower.append('src', records(3, 1)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotLeaderError);
    expect((refused as LedgerError).code).toBe('NOT_LEADER');
    expect((refused as NotLeaderError).leader).toBe('http://leader.example:8080');
    await expect(follower.appendOwn(records(3, 1))).rejects.toMatchObject({ code: 'NOT_LEADER' });
    await expect(follower.appendWithin('src', records(3, 1), () => {})).rejects.toMatchObject({ code: 'NOT_LEADER' });
    // Its cadence signs nothing, closes nothing, indexes nothing: the three entries stay unsigned.
    for (let i = 0; i < 3; i++) follower.tick();
    expect(store.checkpoints.latest()).toEqual(signedBefore);
    expect(store.search.indexedThrough()).toBe(0);
    expect(store.log.size()).toBe(3);
    expect(follower.role()).toEqual({ role: 'follower', term: 1, leader: 'http://leader.example:8080' });
    expect(leader.role()).toEqual({ role: 'leader' });
  });

  it('takes over: promoted, it continues the chain and the tree, and signs consistently with the old leader', async () => {
    const { leader, follower, store, leadership } = twoInstances();
    await leader.append('src', records(0, 6));
    leader.tick();
    const oldCheckpoint = store.checkpoints.latest()!;
    // The old leader's queue at the moment it loses: failed, never committed.
    const queued = leader.append('src', records(100, 2));
    leader.loseLeadership('test: a newer term leads');
    await expect(queued).rejects.toMatchObject({ code: 'NOT_LEADER' });
    await expect(leader.append('src', records(101, 1))).rejects.toMatchObject({ code: 'NOT_LEADER' });
    expect(leader.role().role).toBe('follower');
    expect(() => leader.promote(leadership.tryLead('old', null)!)).toThrow(NotLeaderError);

    follower.promote(leadership.tryLead('new:2', 'http://new.example')!);
    expect(follower.role()).toEqual({ role: 'leader', term: 3 });
    const appended = await follower.append('src', records(6, 2));
    expect(appended.entries.map((e) => e.index)).toEqual([6, 7]);
    expect(appended.entries[0]!.envelope.prev).toBe(toHex(store.log.entry(5)!.leafHash));
    follower.tick();
    const newCheckpoint = store.checkpoints.latest()!;
    expect(newCheckpoint.treeSize).toBe(8);
    expect(newCheckpoint.rootHash).toEqual(rootAt(nodeCrypto, 8, store.log));
    const proof = follower.proofs.consistency(oldCheckpoint.treeSize, 8).proof.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
    expect(verifyConsistency(nodeCrypto, { oldSize: oldCheckpoint.treeSize, newSize: 8, oldRoot: oldCheckpoint.rootHash, newRoot: newCheckpoint.rootHash, proof }).ok).toBe(true);
    expect(follower.health().signing).toBe('ok');
  });

  it('checks the stored tree when promoted, as a fresh start does: a checkpoint beyond the log halts signing', async () => {
    const { leader, follower, store } = twoInstances();
    await leader.append('src', records(0, 2));
    leader.tick();
    // A checkpoint row for a tree the store does not hold (as if entries were lost behind the service's back).
    store.db.prepare('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (?, ?, ?, ?)').run(9, Buffer.alloc(32), 'x', 'y');
    follower.promote({ term: 2, holder: 'f', url: null, startedAt: 'z' });
    expect(follower.health().signing).toBe('halted');
    await expect(follower.append('src', records(2, 1))).rejects.toMatchObject({ code: 'SIGNING_HALTED' });
  });

  it('serves as a read-only replica on a read-only store of the same file', async () => {
    const { leader, dir } = twoInstances();
    await leader.append('src', records(0, 4));
    leader.tick();
    const replicaStore = Store.open(path.join(dir, 'ledger.db'), { readonly: true });
    const replica = Ledger.open({ store: replicaStore, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS, role: 'follower' });
    cleanups.unshift(() => {
      replica.close();
      replicaStore.close();
    });
    replica.start();
    expect(replica.size).toBe(4);
    expect(replica.latestCheckpoint()?.treeSize).toBe(4);
    await expect(replica.append('src', records(4, 1))).rejects.toMatchObject({ code: 'NOT_LEADER' });
    expect(() => replica.probeWritable()).not.toThrow();
    await leader.append('src', records(4, 2));
    await expect.poll(() => replica.size, { timeout: 2000, interval: 20 }).toBe(6);
    expect(replica.entry(5)?.leafHash).toEqual(leader.entry(5)?.leafHash);
  });

  it("serves the witnessed checkpoint the leader's witnesses cosigned, once the quorum is in the store", async () => {
    const { leader, store } = twoInstances();
    const w = generateCosignerKey(nodeCrypto, 'witness.test/f', new Uint8Array(32).fill(3));
    // No URL the follower could reach: only the leader asks witnesses; here the cosignature is stored directly.
    const policy = parseWitnessPolicy(nodeCrypto, `log ${formatVerifierKey(verifierKeyOf(testSigner()))}\nwitness W ${formatCosignerKey(verifierKeyOf(w))} http://127.0.0.1:9/\nquorum W\n`);
    const witnessed = Ledger.open({ store, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS, role: 'follower', leadership: fakeLeadership(), witnessPolicy: policy });
    cleanups.unshift(() => witnessed.close());
    await leader.append('src', records(0, 3));
    leader.tick();
    witnessed.tick();
    expect(witnessed.checkpointToServe()).toBeUndefined();
    expect(witnessed.checkpointToServe('signed')?.treeSize).toBe(3);
    store.cosignatures.add({ treeSize: 3, cosigner: w.name, keyHash: w.keyHash, timestamp: 1_800_000_000, line: `— ${w.name} AAAA`, witnessKey: formatCosignerKey(verifierKeyOf(w)), receivedAt: '2026-09-14T02:00:00.000Z' });
    witnessed.tick();
    expect(witnessed.checkpointToServe()?.treeSize).toBe(3);
    // /readyz's witness status on the follower follows too.
    expect(witnessed.witnessingHealth()?.witnesses[0]?.cosignedTreeSize).toBe(3);
    expect(witnessed.checkpointToServe()?.note).toContain(`— ${w.name} AAAA\n`);
  });
});
