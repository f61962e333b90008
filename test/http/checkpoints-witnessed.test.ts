/**
 * GET /v1/checkpoint and /v1/checkpoints/{size} under a witness policy whose only witness is
 * unreachable: no checkpoint meets the quorum, the newest log-signed one stays available with
 * `?latest=signed`, appends go on, and /readyz stays ready while showing the witness's error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf } from '../../src/note/index.js';
import { openTestLedger, rotation, testSigner, type TestLedger } from '../support/ledger.js';
import { until } from '../witness/support.js';

let t: TestLedger;
afterEach(() => t.cleanup());

describe('checkpoints with a witness policy', () => {
  it('serves the quorum checkpoint by default and the newest signed one on request', async () => {
    const w = generateCosignerKey(c, 'witness.test/away', new Uint8Array(32).fill(3));
    // Port 9 (discard) on loopback: nothing answers there.
    const policy = parseWitnessPolicy(c, `log ${formatVerifierKey(verifierKeyOf(testSigner()))}\nwitness away ${formatCosignerKey(verifierKeyOf(w))} http://127.0.0.1:9\nquorum away\n`);
    t = openTestLedger({ witnessPolicy: policy });
    t.ledger.start();
    await t.ledger.append('w', [rotation(0)] as unknown as EvidenceRecord[]);
    t.ledger.tick();

    const none = await request(t.app).get('/v1/checkpoint').expect(404);
    expect(none.body.detail).toMatch(/no checkpoint has met the witness quorum yet; .*\?latest=signed/);
    const signed = await request(t.app).get('/v1/checkpoint?latest=signed').expect(200);
    expect(signed.text).toMatch(/^ledger\.test\/log\n1\n/);
    expect((await request(t.app).get('/v1/checkpoint?latest=newest').expect(400)).body.field).toBe('latest');
    const at = await request(t.app).get('/v1/checkpoints/1').expect(200);
    expect(at.headers['cache-control']).toBe('no-cache');
    expect(at.text).toBe(signed.text);

    const ready = await until('readyz to show the unreachable witness', async () => {
      const r = await request(t.app).get('/readyz');
      return r.body.witnessing?.witnesses?.[0]?.lastError ? r : undefined;
    });
    expect(ready.status).toBe(200);
    expect(ready.body.witnessing).toMatchObject({ quorum: 'witness away', witnessedTreeSize: 0, witnesses: [{ name: 'away', cosignedTreeSize: 0 }] });
    expect(ready.body.witnessing.witnesses[0].lastError).toMatch(/unreachable/);
  });

  it('without a policy, checkpoints stay immutable and /readyz has no witnessing member', async () => {
    t = openTestLedger();
    await t.ledger.append('w', [rotation(0)] as unknown as EvidenceRecord[]);
    t.ledger.tick();
    expect((await request(t.app).get('/v1/checkpoints/1').expect(200)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await request(t.app).get('/readyz')).body.witnessing).toBeUndefined();
  });
});
