/**
 * A period close made after its witnesses already cosigned a larger checkpoint (start-up after
 * downtime, more closes than one tick makes): the close itself can never be cosigned (a witness
 * never goes back), so its bundle's anchor carries no quorum. The bundle's latest checkpoint does,
 * and the consistency proof anchor -> latest shows the anchor is a prefix of that witnessed tree:
 * `verify --policy` accepts it then, and only then.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import request from 'supertest';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import { WitnessState } from '../../src/witness/witness-state.js';
import { startWitness, type RunningWitness } from '../../src/witness/witness-server.js';
import { openTestLedger, rotation, testSigner, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../witness/support.js';

const dir = tempDir('witnessing-late-');
let t: TestLedger | undefined;
const running: { w: RunningWitness; state: WitnessState }[] = [];
afterEach(async () => {
  t?.cleanup();
  t = undefined;
  for (const r of running.splice(0)) {
    await r.w.close();
    r.state.close();
  }
});

const logVkey = formatVerifierKey(verifierKeyOf(testSigner()));

async function witness(name: string, key: SignerKey): Promise<RunningWitness> {
  const state = WitnessState.open(path.join(dir.dir, `${name}-${Date.now()}.db`));
  const w = await startWitness({ c, signer: key, logs: [verifierKeyOf(testSigner())], state, port: 0, host: '127.0.0.1' });
  running.push({ w, state });
  return w;
}

async function appendAt(iso: string, count: number): Promise<void> {
  t!.now.ms = Date.parse(iso);
  await t!.ledger.append('test-writer', Array.from({ length: count }, (_, i) => rotation(t!.ledger.size + i) as unknown as EvidenceRecord));
}

const get = (p: string) => request(t!.app).get(p).set({ Authorization: `Bearer ${t!.tokens.auditor}` });

describe('a close the witnesses had already passed', () => {
  it('verifies with the policy through the witnessed latest checkpoint and the consistency proof to it', async () => {
    const ka = generateCosignerKey(c, 'witness.test/a', new Uint8Array(32).fill(7));
    const kb = generateCosignerKey(c, 'witness.test/b', new Uint8Array(32).fill(8));
    const wa = await witness('a', ka);
    const wb = await witness('b', kb);
    const policy = parseWitnessPolicy(
      c,
      `log ${logVkey}\nwitness A ${formatCosignerKey(verifierKeyOf(ka))} ${wa.url}\nwitness B ${formatCosignerKey(verifierKeyOf(kb))} ${wb.url}\ngroup both all A B\nquorum both\n`,
    );
    t = openTestLedger({ nowMs: Date.parse('2026-09-29T08:00:00.000Z'), witnessPolicy: policy });
    t.ledger.start();
    await appendAt('2026-09-29T08:00:00.000Z', 3);
    // Two more entries after the day's end, and a checkpoint over them signed and cosigned
    // before the close of 2026-09-29 is made (as after downtime).
    await appendAt('2026-09-30T00:00:01.000Z', 2);
    t.ledger.checkpointAt(5);
    await until('size 5 witnessed', async () => (t!.ledger.checkpointToServe()?.treeSize === 5 ? true : undefined));
    t.now.ms = Date.parse('2026-09-30T00:00:02.000Z');
    t.ledger.tick(); // closes 2026-09-29 at size 3, below what both witnesses cosigned

    const day = (await get('/v1/periods/2026-09-29')).body;
    expect(day.treeSize).toBe(3);
    expect(day.witnessed).toMatchObject({ quorum: true, treeSize: 5 });
    const bundle = JSON.parse((await get('/v1/bundles?period=2026-09-29')).text);
    expect(bundle.anchor.treeSize).toBe(3);
    expect(bundle.latest.treeSize).toBe(5);
    const report = verifyBundle(c, bundle, logVkey, undefined, { policy });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);

    // Without the witnessed latest (its cosignature lines removed), the anchor is refused again.
    const stripped = structuredClone(bundle);
    stripped.latest.checkpoint = stripped.latest.checkpoint.replace(/^\u2014 witness\.test\/.*\n/gm, '');
    const refused = verifyBundle(c, stripped, logVkey, undefined, { policy });
    expect(refused.ok).toBe(false);
    expect(refused.problems.find((p) => p.code === 'NO_QUORUM')?.message).toMatch(/^anchor: .*no valid cosignature from A, B$/);

    // A forged cosignature from a policy witness on the latest rejects it, it does not just not count.
    const forged = structuredClone(bundle);
    forged.latest.checkpoint = forged.latest.checkpoint.replace(/^(\u2014 witness\.test\/a \S{20})(\S)/m, (_m: string, head: string, x: string) => head + (x === 'A' ? 'B' : 'A'));
    expect(forged.latest.checkpoint).not.toBe(bundle.latest.checkpoint);
    const bad = verifyBundle(c, forged, logVkey, undefined, { policy });
    expect(bad.ok).toBe(false);
    expect(bad.problems.find((p) => p.code === 'BAD_COSIGNATURE')?.message).toMatch(/^latest: .*witness\.test\/a/);

    // A consistency proof that does not link the anchor to the witnessed latest: refused.
    const unlinked = structuredClone(bundle);
    unlinked.consistency.proof = unlinked.consistency.proof.map((h: string) => h.replace(/^./, (x) => (x === '0' ? '1' : '0')));
    const broken = verifyBundle(c, unlinked, logVkey, undefined, { policy });
    expect(broken.ok).toBe(false);
    expect(broken.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['BAD_CONSISTENCY', 'NO_QUORUM']));
  });
});
