/**
 * `ledger witness` as real processes (build first): keygen, serve, kill -9, restart from the same
 * state file, status. A restarted witness never cosigns a rollback or a fork, and concurrent
 * requests cannot roll it back (tlog-witness: check and update are one atomic step).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { openCheckpoint, parseCosignerKey, parseVerifierKey, verifyCosignatures } from '../../src/note/index.js';
import type { ServerProcess } from '../../scripts/harness-server.js';
import { runCli } from '../reliability/support.js';
import { tempDir } from '../support/tmp.js';
import { HandLog } from './hand-log.js';
import { startWitnessProcess } from './support.js';

const ORIGIN = 'process.test/log';
const log = new HandLog(c, ORIGIN, 64);
const fork = new HandLog(c, ORIGIN, 64, 'fork');

const t = tempDir('witness-proc-');
const keyFile = path.join(t.dir, 'w.key');
const dbFile = path.join(t.dir, 'w.db');
let vkey: string;
let running: ServerProcess | undefined;

beforeAll(async () => {
  const keygen = await runCli(['witness', 'keygen', '--name', 'witness.test/auditor', '--out', keyFile]);
  expect(keygen.code).toBe(0);
  vkey = keygen.stdout.trim();
});
afterAll(async () => {
  await running?.kill();
  t.cleanup();
});

async function add(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return { status: res.status, text: await res.text() };
}

describe('ledger witness (real processes)', () => {
  it('keygen writes a 0600 key and prints a type 0x04 verifier key', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(parseCosignerKey(c, vkey).name).toBe('witness.test/auditor');
  });

  it('after kill -9 and a restart from its file it refuses rollbacks and forks, and serves what it cosigned', async () => {
    let w = await startWitnessProcess({ name: 'auditor', keyFile, dbFile, vkey }, [log.vkey]);
    running = w.proc;
    expect((await add(w.url, log.request(0, 10))).status).toBe(200);
    const cosigned = await add(w.url, log.request(10, 20));
    expect(cosigned.status).toBe(200);
    expect(verifyCosignatures(c, log.checkpoint(20) + cosigned.text, [parseCosignerKey(c, vkey)]).cosignatures).toHaveLength(1);

    // Two requests racing from the same old size: exactly one may win.
    const race = await Promise.all([add(w.url, log.request(20, 30)), add(w.url, log.request(20, 25))]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    const won = race.find((r) => r.status === 200) === race[0] ? 30 : 25;

    expect((await w.proc.kill()).signal).toBe('SIGKILL');
    w = await startWitnessProcess({ name: 'auditor', keyFile, dbFile, vkey }, [log.vkey]);
    running = w.proc;

    // Smaller than what it cosigned, from any old size: never.
    expect(await add(w.url, log.request(0, 15))).toEqual({ status: 409, text: `${won}\n` });
    expect((await add(w.url, log.request(won, 15, []))).status).toBe(400);
    // Same size, other root: 409; a larger fork with a proof from the fork's own tree: 422.
    // (The fork is signed with the same log key: HandLog derives it from the same seed.)
    expect(fork.vkey).toBe(log.vkey);
    expect(await add(w.url, `old ${won}\n\n${fork.checkpoint(won)}`)).toEqual({ status: 409, text: `${won}\n` });
    expect((await add(w.url, fork.request(won, 40))).status).toBe(422);
    // The honest log still gets cosigned from where it was.
    expect((await add(w.url, log.request(won, 40))).status).toBe(200);

    const served = await (await fetch(`${w.url}/${toHex(c.sha256(utf8(ORIGIN)))}/checkpoint`)).text();
    expect(openCheckpoint(c, served, [parseVerifierKey(c, log.vkey)]).checkpoint.size).toBe(40);
    expect(verifyCosignatures(c, served, [parseCosignerKey(c, vkey)]).cosignatures).toHaveLength(1);

    await w.proc.stop();
    running = undefined;
    const status = await runCli(['witness', 'status', '--db', dbFile, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).logs).toMatchObject([{ origin: ORIGIN, treeSize: 40, cosignedCheckpoints: 4 }]);
  });

  it('takes --log as the JSON GET /v1/key answers (the README\'s "$(cat ledger.vkey)"), and exits 2 for a --log that is no key', async () => {
    const saved = `${JSON.stringify({ origin: ORIGIN, verifierKey: log.vkey, publicKey: 'AA==' })}\n`;
    const other = tempDir('witness-proc-json-');
    try {
      const w = await startWitnessProcess({ name: 'auditor', keyFile, dbFile: path.join(other.dir, 'w.db'), vkey }, [saved]);
      running = w.proc;
      expect((await add(w.url, log.request(0, 10))).status).toBe(200);
      await w.proc.stop();
      running = undefined;
    } finally {
      other.cleanup();
    }
    const bad = await runCli(['witness', 'serve', '--key', keyFile, '--db', path.join(t.dir, 'never.db'), '--port', '0', '--log', '{"publicKey":"AA=="}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--log {"publicKey":"AA=="}: it is JSON without a "verifierKey" string');
  });
});
