/**
 * The failover harness's checker can fail: on a real log in PostgreSQL it passes the truth, and
 * reports an acknowledgement the log does not hold (a lost entry, a wrong leaf hash) and a
 * checkpoint whose root is not the log's. Skipped, saying why, where PostgreSQL cannot run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { toHex } from '../../src/crypto/bytes.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { formatVerifierKey, verifierKeyOf } from '../../src/note/index.js';
import { Store } from '../../src/store/index.js';
import { checkFailoverLog } from '../../scripts/failover-check.js';
import { parseVerifierKey } from '../../scripts/harness-oracle.js';
import { Rng } from '../../scripts/harness-rng.js';
import { markerRecord, type HarnessRequest } from '../../scripts/harness-writers.js';
import { TEST_SETTINGS, testSigner } from '../support/ledger.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';

const skip = postgresAvailable();

const request = (id: number): HarnessRequest => {
  const marker = `hr-${id}-0`;
  return { id, writer: 0, key: `k-${id}`, kind: 'entry', records: [markerRecord(marker)], markers: [marker], unacknowledged: 0 };
};

describe.skipIf(skip !== undefined)('the failover checker', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('passes the true acknowledgements and reports a lost or altered one, and a checkpoint that is not the log\'s', async () => {
    const db = await freshDatabase();
    const store = Store.open(db.url);
    const ledger = Ledger.open({ store, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS });
    cleanups.push(() => db.drop(), () => store.close(), () => ledger.close());
    const key = parseVerifierKey(formatVerifierKey(verifierKeyOf(testSigner())));
    const acks: { req: HarnessRequest; entries: { index: number; leafHash: string }[] }[] = [];
    for (let id = 0; id < 3; id++) {
      const req = request(id);
      const { entries } = await ledger.append('src', req.records as unknown as EvidenceRecord[]);
      acks.push({ req, entries: entries.map((e) => ({ index: e.index, leafHash: toHex(e.leafHash) })) });
    }
    ledger.tick();
    const check = (a: typeof acks) => checkFailoverLog(db.url, undefined, key, a, new Rng(1));

    const truth = await check(acks);
    expect(truth.findings).toEqual([]);
    expect([truth.size, truth.checkpoints]).toEqual([3, 1]);

    const lost = { req: request(99), entries: [{ index: 3, leafHash: '00'.repeat(32) }] };
    const altered = { req: acks[1]!.req, entries: [{ index: 1, leafHash: acks[2]!.entries[0]!.leafHash }] };
    expect((await check([lost, altered])).findings).toEqual([
      'acknowledged record hr-99-0 was answered index 3 but sits at nowhere',
      'acknowledged record hr-1-0: leaf hash differs from the answer',
    ]);

    // A checkpoint row whose note and root are another tree's (a row can be added; none can be changed).
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanups.push(() => client.end());
    const note = store.checkpoints.at(3)!.note;
    await client.query('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (2, $1, $2, $3)', [Buffer.alloc(32), note, 'x']);
    expect((await check(acks)).findings).toEqual(['checkpoint row 2 holds a note for size 3']);
  });
});
