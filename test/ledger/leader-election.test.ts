/**
 * The election loop: a follower asks to lead every pollMs until granted, is promoted once, runs
 * its first work, and on a reported loss stops writing, fails its queue and asks no more.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { LeaderElection } from '../../src/ledger/leader-election.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { Store } from '../../src/store/index.js';
import { fakeLeadership } from '../support/leadership.js';
import { TEST_SETTINGS, rotation, testSigner } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../reliability/support.js';

describe('leader election', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  function follower(signerLabel?: string) {
    const t = tempDir('ledger-election-');
    const store = Store.open(path.join(t.dir, 'ledger.db'));
    const leadership = fakeLeadership({ term: 7, url: 'http://old' });
    const ledger = Ledger.open({ store, signer: testSigner(signerLabel), crypto: nodeCrypto, settings: TEST_SETTINGS, role: 'follower', leadership });
    ledger.start();
    cleanups.push(() => {
      ledger.close();
      store.close();
      t.cleanup();
    });
    return { store, ledger, leadership };
  }

  it('asks until granted, promotes once, and on a loss stops writing and asks no more', async () => {
    const { ledger, leadership, store } = follower();
    let asked = 0;
    const grant = leadership.tryLead;
    leadership.tryLead = (holder, url) => (++asked < 3 ? undefined : grant(holder, url));
    const promoted: number[] = [];
    const lost: string[] = [];
    const election = new LeaderElection({
      leadership, ledger, holder: 'host:1', url: 'http://me', pollMs: 10,
      onPromoted: async (term) => {
        promoted.push(term.term);
        await ledger.append('src', [rotation(1) as unknown as EvidenceRecord]);
      },
      onLost: (reason) => lost.push(reason),
    });
    cleanups.unshift(() => election.stop());
    await election.start();
    expect(asked).toBe(1);
    expect(ledger.role().role).toBe('follower');
    expect(election.polling).toBe(true);
    await waitFor(() => promoted.length > 0 && store.log.size() === 1, 'promotion and its first work');
    expect(asked).toBe(3);
    expect(promoted).toEqual([8]);
    expect(ledger.role()).toEqual({ role: 'leader', term: 8 });

    leadership.lose('lock session terminated');
    expect(lost).toEqual(['lock session terminated']);
    expect(ledger.role().role).toBe('follower');
    await expect(ledger.append('src', [rotation(2) as unknown as EvidenceRecord])).rejects.toMatchObject({ code: 'NOT_LEADER' });
    leadership.lose('again');
    expect(lost).toHaveLength(1);
    expect(election.polling).toBe(false);
  });

  it('gives the term up loudly when the ledger refuses to lead (its key is not the database key)', async () => {
    const { ledger, leadership, store } = follower('another-key');
    // The database already records another log's key (what a leader with the right key left).
    store.transaction(() => {
      store.setMeta('origin', testSigner().name);
      store.setMeta('verifier_key', 'ledger.test/log+00000000+AQ');
    });
    const lost: string[] = [];
    const errors: string[] = [];
    const election = new LeaderElection({ leadership, ledger, holder: 'h', url: null, pollMs: 10, onLost: (r) => lost.push(r), onError: (m) => errors.push(m) });
    await election.start();
    expect(errors).toEqual(['promotion to leader failed']);
    expect(lost[0]).toMatch(/^promotion failed: .*belongs to log/);
    expect(ledger.role().role).toBe('follower');
    election.stop();
  });
});
