/**
 * Period closes and witnesses, in-process (fake clock, two witnesses on port 0): a close is sent
 * to the witnesses first and cosigned at its own size; /v1/periods/{id} shows its witnessed
 * status; a bundle verifies with the policy only once the quorum cosigned its anchor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import request from 'supertest';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf, verifyCosignatures, type SignerKey } from '../../src/note/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import { WitnessState } from '../../src/witness/witness-state.js';
import { startWitness, type RunningWitness } from '../../src/witness/witness-server.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { TEST_SETTINGS, openTestLedger, rotation, testSigner, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../witness/support.js';

const dir = tempDir('witnessing-');
let t: TestLedger | undefined;
const running: { w: RunningWitness; state: WitnessState }[] = [];
afterEach(async () => {
  t?.cleanup();
  for (const r of running.splice(0)) {
    await r.w.close();
    r.state.close();
  }
});

const logVkey = formatVerifierKey(verifierKeyOf(testSigner()));

async function witness(name: string, key: SignerKey, port = 0): Promise<RunningWitness> {
  const state = WitnessState.open(path.join(dir.dir, `${name}.db`));
  const w = await startWitness({ c, signer: key, logs: [verifierKeyOf(testSigner())], state, port, host: '127.0.0.1' });
  running.push({ w, state });
  return w;
}

async function appendAt(iso: string, count: number): Promise<void> {
  t!.now.ms = Date.parse(iso);
  await t!.ledger.append('test-writer', Array.from({ length: count }, (_, i) => rotation(t!.ledger.size + i) as unknown as EvidenceRecord));
}

function tickAt(iso: string): void {
  t!.now.ms = Date.parse(iso);
  t!.ledger.tick();
}

const get = (p: string) => request(t!.app).get(p).set({ Authorization: `Bearer ${t!.tokens.auditor}` });

describe('witnessed period closes', () => {
  it('cosigns each close at its own size, shows its status, and bundles verify with the policy only when witnessed', async () => {
    const ka = generateCosignerKey(c, 'witness.test/a', new Uint8Array(32).fill(1));
    const kb = generateCosignerKey(c, 'witness.test/b', new Uint8Array(32).fill(2));
    const wa = await witness('a', ka);
    const wb = await witness('b', kb);
    const text = (ua: string, ub: string) =>
      `log ${logVkey}\nwitness A ${formatCosignerKey(verifierKeyOf(ka))} ${ua}\nwitness B ${formatCosignerKey(verifierKeyOf(kb))} ${ub}\ngroup both all A B\nquorum both\n`;
    const policy = parseWitnessPolicy(c, text(wa.url, wb.url));
    t = openTestLedger({ nowMs: Date.parse('2026-09-29T08:00:00.000Z'), witnessPolicy: policy });
    t.ledger.start();

    await appendAt('2026-09-29T08:00:00.000Z', 3);
    tickAt('2026-09-30T00:00:00.100Z'); // closes 2026-09-29 at size 3
    await appendAt('2026-09-30T12:00:00.000Z', 2);
    tickAt('2026-09-30T12:00:01.000Z'); // signs size 5
    const day = await until('2026-09-29 witnessed', async () => {
      const body = (await get('/v1/periods/2026-09-29')).body;
      return body.witnessed?.quorum ? body : undefined;
    });
    // Sent before the newer checkpoint, so cosigned at exactly the close's size.
    expect(day.witnessed).toMatchObject({ quorum: true, treeSize: 3, consistency: [] });
    expect(verifyCosignatures(c, day.checkpoint, policy.witnesses.map((w) => w.key)).cosignatures).toHaveLength(2);
    const bundle = JSON.parse((await get('/v1/bundles?period=2026-09-29')).text);
    expect(verifyBundle(c, bundle, logVkey, undefined, { policy }).ok).toBe(true);

    // Witness B goes away before the next close: that close is pending and its bundle is refused.
    await running[1]!.w.close();
    running[1]!.state.close();
    running.splice(1, 1);
    await appendAt('2026-09-30T18:00:00.000Z', 1);
    await appendAt('2026-10-01T00:00:00.000Z', 1);
    tickAt('2026-10-01T00:00:00.500Z'); // closes 2026-09-30, 2026-09 and 2026-Q3 at size 6, signs 7
    const pending = (await get('/v1/periods/2026-09-30')).body;
    expect(pending.witnessed).toMatchObject({ quorum: false, missing: expect.arrayContaining(['B']) });
    const health = (await request(t.app).get('/readyz')).body.witnessing;
    expect(health).toMatchObject({ witnessedTreeSize: 5, closesPending: 3, oldestPendingClose: '2026-09' });
    const refused = verifyBundle(c, JSON.parse((await get('/v1/bundles?period=2026-09-30')).text), logVkey, undefined, { policy });
    expect(refused.ok).toBe(false);
    expect(refused.problems.find((p) => p.code === 'NO_QUORUM')?.message).toMatch(/anchor: .*no valid cosignature from (A, )?B$/);

    // B back on its port, from its state: the close is witnessed (at its size or later) and verifies.
    await witness('b', kb, Number(new URL(wb.url).port));
    const later = await until('2026-09-30 witnessed', async () => {
      const body = (await get('/v1/periods/2026-09-30')).body;
      return body.witnessed?.quorum ? body : undefined;
    });
    // Both sent the close (6) before the newer checkpoint (7): the close itself met the quorum.
    expect(later.witnessed).toMatchObject({ quorum: true, treeSize: 6, consistency: [] });
    expect(verifyBundle(c, JSON.parse((await get('/v1/bundles?period=2026-09-30')).text), logVkey, undefined, { policy }).ok).toBe(true);

    // A restart finds the newest quorum checkpoint again from the stored cosignatures.
    const served = await until('the quorum at 7', async () => (t!.ledger.checkpointToServe()?.treeSize === 7 ? t!.ledger.checkpointToServe() : undefined));
    t.ledger.close();
    const reopened = Ledger.open({ store: t.store, signer: t.signer, crypto: c, settings: TEST_SETTINGS, witnessPolicy: policy });
    expect(reopened.checkpointToServe()).toEqual(served);
    expect(reopened.checkpointToServe('signed')?.treeSize).toBe(7);
  });
});
