/**
 * The ledger trusts no witness with its memory: a "witness" that answers with a body that never
 * ends (or is far larger than any cosignature) is cut off at a small bound and reported, at once,
 * instead of being buffered until the request times out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf } from '../../src/note/index.js';
import { MAX_WITNESS_RESPONSE_BYTES } from '../../src/ledger/witness-client.js';
import { openTestLedger, rotation, testSigner, type TestLedger } from '../support/ledger.js';
import { until } from '../witness/support.js';

let t: TestLedger | undefined;
let server: Server | undefined;
afterEach(async () => {
  t?.cleanup();
  t = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
});

/** Answers every request with `status` and an endless stream of bytes; counts what it managed to send. */
async function endlessWitness(status: number, contentType: string): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'Content-Type': contentType });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let open = true;
    res.on('close', () => (open = false));
    const pump = (): void => {
      while (open && sent < 512 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
      if (open) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}

describe('a witness that answers without end', () => {
  it.each([
    [200, 'text/plain'],
    [409, 'text/x.tlog.size'],
  ])('status %i: the answer is cut at the bound and reported, long before the request timeout', async (status, contentType) => {
    const w = await endlessWitness(status, contentType);
    const key = generateCosignerKey(c, 'witness.test/endless', new Uint8Array(32).fill(9));
    const policy = parseWitnessPolicy(c, `log ${formatVerifierKey(verifierKeyOf(testSigner()))}\nwitness E ${formatCosignerKey(verifierKeyOf(key))} ${w.url}\nquorum E\n`);
    t = openTestLedger({ witnessPolicy: policy });
    t.ledger.start();
    await t.ledger.append('w', [rotation(0)] as unknown as EvidenceRecord[]);
    t.ledger.tick();
    // Well under WITNESS_REQUEST_TIMEOUT_MS (10 s): buffering until the timeout would not do.
    const error = await until('the oversized answer to be reported', async () => t!.ledger.witnessingHealth()?.witnesses[0]?.lastError, 5000);
    expect(error).toMatch(new RegExp(`more than ${MAX_WITNESS_RESPONSE_BYTES} bytes`));
    expect(t.ledger.checkpointToServe()).toBeUndefined();
  });
});
