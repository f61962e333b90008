/**
 * A ledger whose database is replaced by a forked copy (same key, another history) as real
 * processes: its witness answers 409/422, it never obtains a cosignature for the fork, and it
 * says so in its log and in /readyz (503, `witnessing.conflict`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { parseCosignerKey, verifyCosignatures } from '../../src/note/index.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { createToken, ledgerFolder, post, readyz, runCli } from '../reliability/support.js';
import { startWitnessProcess, until, witnessFiles, writePolicy } from './support.js';

const f = ledgerFolder('ledger-fork-');
const procs: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill()));
  f.cleanup();
});

describe('a forked ledger', () => {
  it('gets 409/422 from its witness, never a cosignature for the fork, and reports it', async () => {
    const w = witnessFiles(f.dir, 'witness.test/auditor');
    const witness = await startWitnessProcess(w, [f.verifierKey]);
    procs.push(witness.proc);
    const policyFile = writePolicy(f.dir, [`log ${f.verifierKey}`, `witness auditor ${w.vkey} ${witness.url}`, 'quorum auditor']);
    const env = { ...f.env, LEDGER_WITNESS_POLICY: policyFile, LEDGER_WITNESS_RETRY_MAX_MS: '200' };

    const honest = ServerProcess.spawn(env);
    procs.push(honest);
    let url = await honest.waitListening();
    let writer = await createToken(url, f.adminToken, 'writer');
    // The log also holds the ledger's own entries (its key, the token's issuance): sizes come from the answers.
    let honestSize = 0;
    for (let i = 0; i < 3; i++) {
      const r = await post(url, writer, `honest-${i}`);
      expect(r.status).toBe(201);
      honestSize = r.body.index! + 1;
    }
    await until(`the witness to cosign size ${honestSize}`, async () => {
      const r = await readyz(url);
      return (r.body.witnessing as { witnessedTreeSize: number }).witnessedTreeSize === honestSize ? r : undefined;
    });
    await honest.stop();

    // The same key and origin over another database: a history the witness never saw.
    const forked = ServerProcess.spawn({ ...env, LEDGER_DB: path.join(f.dir, 'forked.db') });
    procs.push(forked);
    url = await forked.waitListening();
    writer = await createToken(url, f.adminToken, 'writer');
    let forkedSize = 0;
    for (let i = 0; i < 5; i++) {
      const r = await post(url, writer, `forged-${i}`);
      expect(r.status).toBe(201);
      forkedSize = r.body.index! + 1;
    }
    const alarm = await until('readyz to report the conflict', async () => {
      const r = await readyz(url);
      return (r.body.witnessing as { conflict?: string }).conflict ? r : undefined;
    });
    expect(alarm.status).toBe(503);
    expect((alarm.body.witnessing as { conflict: string }).conflict).toMatch(/\((409|422)\)$/);
    await until('the ledger log to say so', async () => (forked.output().includes("WITNESS REFUSES THIS LOG'S HISTORY") ? true : undefined));
    expect(witness.proc.output()).toMatch(/"status":(409|422)/);

    // No cosignature for the fork: none served, none in the witness's state.
    expect((await fetch(`${url}/v1/checkpoint`)).status).toBe(404);
    // The conflict may come from an earlier checkpoint of the fork: wait for the one at its full size.
    const signed = await until(`the fork to be signed at size ${forkedSize}`, async () => {
      const text = await (await fetch(`${url}/v1/checkpoint?latest=signed`)).text();
      return text.startsWith(`reliability.test/log\n${forkedSize}\n`) ? text : undefined;
    });
    expect(verifyCosignatures(c, signed, [parseCosignerKey(c, w.vkey)]).cosignatures).toEqual([]);
    await forked.stop();
    await witness.proc.stop();
    const status = await runCli(['witness', 'status', '--db', w.dbFile, '--json']);
    expect(JSON.parse(status.stdout).logs).toMatchObject([{ origin: 'reliability.test/log', treeSize: honestSize }]);
  });
});
