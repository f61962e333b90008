/** C2SP tlog-witness v1.0.0 add-checkpoint, answer by answer, against a witness on port 0. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { generateCosignerKey, generateSignerKey, parseVerifierKey, verifierKeyOf, verifyCosignatures, openCheckpoint } from '../../src/note/index.js';
import { WitnessState } from '../../src/witness/witness-state.js';
import { startWitness, type RunningWitness } from '../../src/witness/witness-server.js';
import { tempDir } from '../support/tmp.js';
import { HandLog } from './hand-log.js';

const ORIGIN = 'example.test/log';
const signer = generateCosignerKey(c, 'witness.test/w1', new Uint8Array(32).fill(9));
const log = new HandLog(c, ORIGIN, 40);
const fork = new HandLog(c, ORIGIN, 40, 'b');

let t: ReturnType<typeof tempDir>;
let state: WitnessState;
let w: RunningWitness;
let clock = 1_800_000_000;

beforeEach(async () => {
  t = tempDir('witness-');
  state = WitnessState.open(path.join(t.dir, 'w.db'));
  w = await startWitness({ c, signer, logs: [parseVerifierKey(c, log.vkey)], state, port: 0, host: '127.0.0.1', now: () => clock++ });
});
afterEach(async () => {
  await w.close();
  state.close();
  t.cleanup();
});

async function add(body: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('add-checkpoint', () => {
  it('cosigns a first checkpoint from old 0, then one from the size it cosigned with a consistency proof', async () => {
    const first = await add(log.request(0, 10));
    expect(first.status).toBe(200);
    const note = log.checkpoint(10) + first.text;
    const [cosig] = verifyCosignatures(c, note, [verifierKeyOf(signer)]).cosignatures;
    expect(cosig?.timestamp).toBeGreaterThanOrEqual(1_800_000_000);
    expect((await add(log.request(10, 25))).status).toBe(200);
    // Same size, same root again: cosigned again.
    expect((await add(log.request(25, 25))).status).toBe(200);
    const got = await fetch(`${w.url}/${toHex(c.sha256(utf8(ORIGIN)))}/checkpoint`);
    const served = await got.text();
    expect(openCheckpoint(c, served, [parseVerifierKey(c, log.vkey)]).checkpoint.size).toBe(25);
    expect(verifyCosignatures(c, served, [verifierKeyOf(signer)]).cosignatures).toHaveLength(1);
  });

  it('answers 409 text/x.tlog.size with the cosigned size when old is not it', async () => {
    expect((await add(log.request(0, 10))).status).toBe(200);
    for (const old of [0, 5, 12]) {
      const r = await add(log.request(old, 20));
      expect(r).toEqual({ status: 409, type: 'text/x.tlog.size', text: '10\n' });
    }
  });

  it('answers 409 for the same size with another root (a fork), and never cosigns it', async () => {
    expect((await add(log.request(0, 10))).status).toBe(200);
    expect(await add(fork.request(10, 10))).toEqual({ status: 409, type: 'text/x.tlog.size', text: '10\n' });
    expect(state.latest(ORIGIN)?.treeSize).toBe(10);
  });

  it('answers 422 when the consistency proof fails (a fork that grew)', async () => {
    expect((await add(log.request(0, 10))).status).toBe(200);
    const r = await add(`old 10\n${log.request(10, 20).split('\n\n')[0]!.split('\n').slice(1).join('\n')}\n\n${fork.checkpoint(20)}`);
    expect(r.status).toBe(422);
    expect(state.latest(ORIGIN)?.treeSize).toBe(10);
  });

  it('answers 400 when old is above the checkpoint size, 404 for an unknown origin, 403 without a trusted signature', async () => {
    expect((await add(log.request(0, 10))).status).toBe(200);
    expect((await add(`old 11\n\n${log.checkpoint(10)}`)).status).toBe(400);
    const other = new HandLog(c, 'other.test/log', 5);
    expect((await add(other.request(0, 5))).status).toBe(404);
    const impostor = generateSignerKey(c, ORIGIN, new Uint8Array(32).fill(1));
    expect((await add(`old 10\n\n${log.checkpoint(12, impostor)}`)).status).toBe(403);
  });

  it.each([
    ['no old line', 'new 0\n\n'],
    ['a leading zero', 'old 010\n\n'],
    ['a proof with old 0', 'old 0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n'],
    ['a short hash', 'old 3\nAAAA\n\n'],
    ['64 proof lines', `old 3\n${'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64)}\n`],
    ['no blank line', 'old 0\n'],
  ])('answers 400 for %s', async (_what, head) => {
    expect((await add(`${head}${log.checkpoint(10)}`)).status).toBe(400);
  });

  it.each([
    ['no checkpoint at all', 'old 0\n\n'],
    ['an origin line without its newline', 'old 0\n\nexample.test/log'],
    ['an extra blank line before the checkpoint', `old 0\n\n\n${log.checkpoint(10)}`],
    ['CRLF line ends in the checkpoint', `old 0\n\n${log.checkpoint(10).replace(/\n/g, '\r\n')}`],
  ])('answers 400, not 404, for %s', async (_what, body) => {
    const r = await add(body);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/not a signed checkpoint/);
  });

  it('never dates a cosignature before the previous one, even when the clock steps back', async () => {
    clock = 1_900_000_000;
    const first = await add(log.request(0, 10));
    clock = 1_800_000_000; // an hour, a year: stepped back
    const second = await add(log.request(10, 12));
    expect([first.status, second.status]).toEqual([200, 200]);
    const t1 = verifyCosignatures(c, log.checkpoint(10) + first.text, [verifierKeyOf(signer)]).cosignatures[0]!.timestamp;
    const t2 = verifyCosignatures(c, log.checkpoint(12) + second.text, [verifierKeyOf(signer)]).cosignatures[0]!.timestamp;
    expect(t1).toBe(1_900_000_000);
    expect(t2).toBeGreaterThanOrEqual(t1);
    expect(state.latest(ORIGIN)?.cosignedAt).toBe(t2);
  });

  it('never stores a rollback, even when asked directly (trigger)', async () => {
    expect((await add(log.request(0, 10))).status).toBe(200);
    const head = state.latest(ORIGIN)!;
    expect(() => state.compareAndSet(ORIGIN, () => undefined, { ...head, treeSize: 9 })).toThrow(/never rolls a log back/);
  });
});
