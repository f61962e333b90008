/**
 * The witness's memory is bounded whatever clients send: a body over the limit gets a 413 and
 * its connection is closed (not drained for as long as the client keeps sending), and at most
 * MAX_CONNECTIONS connections are held at once (each holds at most MAX_BODY_BYTES).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { generateCosignerKey, parseVerifierKey } from '../../src/note/index.js';
import { WitnessState } from '../../src/witness/witness-state.js';
import { MAX_BODY_BYTES, MAX_CONNECTIONS, startWitness, type RunningWitness } from '../../src/witness/witness-server.js';
import { tempDir } from '../support/tmp.js';
import { HandLog } from './hand-log.js';
import { until } from './support.js';

const log = new HandLog(c, 'example.test/log', 4);
let t: ReturnType<typeof tempDir>;
let state: WitnessState;
let w: RunningWitness;
const sockets: Socket[] = [];

beforeEach(async () => {
  t = tempDir('witness-limits-');
  state = WitnessState.open(path.join(t.dir, 'w.db'));
  const signer = generateCosignerKey(c, 'witness.test/limits', new Uint8Array(32).fill(4));
  w = await startWitness({ c, signer, logs: [parseVerifierKey(c, log.vkey)], state, port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await w.close();
  state.close();
  t.cleanup();
});

describe('witness limits', () => {
  it('answers 413 to a body that never ends and closes its connection', async () => {
    const url = new URL(`${w.url}/add-checkpoint`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' });
    req.on('error', () => {});
    let status = 0;
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
    });
    let closed = false;
    req.on('close', () => (closed = true));
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    let sent = 0;
    // Keep sending until the witness hangs up; a witness that drains forever never does.
    await until(
      'the witness to close the connection',
      async () => {
        while (!closed && !req.destroyed) {
          const more = req.write(chunk);
          sent += chunk.length;
          if (!more) break;
        }
        return closed || req.destroyed ? true : undefined;
      },
      5000,
    );
    expect(status).toBe(413);
    expect(sent).toBeGreaterThan(MAX_BODY_BYTES);
  });

  it(`holds at most ${MAX_CONNECTIONS} connections; one more is refused until one closes`, async () => {
    const addr = new URL(w.url);
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const s = connect(Number(addr.port), addr.hostname);
      s.on('error', () => {});
      sockets.push(s);
      await new Promise((r) => s.once('connect', r));
    }
    await until('all connections to be counted', async () => {
      const n = await new Promise<number>((r) => w.server.getConnections((_e, count) => r(count)));
      return n === MAX_CONNECTIONS ? n : undefined;
    });
    // Refused at the TCP level (closed at once), so the request fails or never gets an answer.
    await expect(fetch(`${w.url}/${'0'.repeat(64)}/checkpoint`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    sockets.pop()!.destroy();
    const ok = await until('a free connection', async () => (await fetch(`${w.url}/${'0'.repeat(64)}/checkpoint`)).status);
    expect(ok).toBe(404);
  });
});
