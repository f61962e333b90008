/**
 * The ledger and two witnesses as real processes (build first). The policy asks for both; one
 * witness is killed with -9 mid-run, appends go on, the quorum checkpoint stays where it was,
 * and once the witness is back (same state file, same port) the quorum forms again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { parseCosignerKey, parseWitnessPolicy, verifyCosignatures } from '../../src/note/index.js';
import { verifyCheckpointText } from '../../src/verify/index.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { createToken, ledgerFolder, post, readyz, runCli } from '../reliability/support.js';
import { startWitnessProcess, until, witnessFiles, writePolicy } from './support.js';

const f = ledgerFolder('ledger-witnessed-');
const procs: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill()));
  f.cleanup();
});

async function note(url: string, query = ''): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/v1/checkpoint${query}`);
  return { status: res.status, text: await res.text() };
}

describe('a witnessed ledger', () => {
  it('keeps appending while a witness is down and forms the quorum again once it is back', async () => {
    const a = witnessFiles(f.dir, 'witness.test/internal-audit');
    const b = witnessFiles(f.dir, 'witness.test/external-auditor');
    const wa = await startWitnessProcess(a, [f.verifierKey]);
    let wb = await startWitnessProcess(b, [f.verifierKey]);
    procs.push(wa.proc, wb.proc);
    const policyFile = writePolicy(f.dir, [
      `log ${f.verifierKey}`,
      `witness internal ${a.vkey} ${wa.url}`,
      `witness external ${b.vkey} ${wb.url}`,
      'group both all internal external',
      'quorum both',
    ]);
    const policy = parseWitnessPolicy(c, `log ${f.verifierKey}\nwitness internal ${a.vkey}\nwitness external ${b.vkey}\ngroup both all internal external\nquorum both\n`);
    const ledger = ServerProcess.spawn({ ...f.env, LEDGER_WITNESS_POLICY: policyFile, LEDGER_WITNESS_RETRY_MAX_MS: '200' });
    procs.push(ledger);
    const url = await ledger.waitListening();
    const writer = await createToken(url, f.adminToken, 'writer');

    // The log also holds the ledger's own entries (its key, the token's issuance): sizes come from the answers.
    let size = 0;
    const postMarker = async (marker: string) => {
      const r = await post(url, writer, marker);
      expect(r.status).toBe(201);
      size = r.body.index! + 1;
    };
    for (let i = 0; i < 3; i++) await postMarker(`m${i}`);
    const firstSize = size;
    const first = await until(`a quorum checkpoint of size ${firstSize}`, async () => {
      const r = await note(url);
      return r.status === 200 && verifyCheckpointText(c, r.text, f.verifierKey).ok && r.text.startsWith(`reliability.test/log\n${firstSize}\n`) ? r.text : undefined;
    });
    const verdict = verifyCheckpointText(c, first, f.verifierKey, { policy });
    expect(verdict.ok && verdict.checkpoint.cosignatures?.map((x) => x.witness).sort()).toEqual(['external', 'internal']);

    // kill -9 one witness mid-run: appends go on, signing goes on, the served checkpoint stays witnessed.
    expect((await wb.proc.kill()).signal).toBe('SIGKILL');
    for (let i = 3; i < 6; i++) await postMarker(`m${i}`);
    const lastSize = size;
    const signed = await until(`a log-signed checkpoint of size ${lastSize} that the live witness cosigned`, async () => {
      const r = await note(url, '?latest=signed');
      const cosigned = r.text.startsWith(`reliability.test/log\n${lastSize}\n`) && verifyCosignatures(c, r.text, [parseCosignerKey(c, a.vkey)]).cosignatures.length === 1;
      return cosigned ? r.text : undefined;
    });
    const health = await until('readyz to show the dead witness', async () => {
      const r = await readyz(url);
      const w = (r.body.witnessing as { witnesses: { name: string; lastError?: string }[] }).witnesses.find((x) => x.name === 'external');
      return w?.lastError ? r : undefined;
    });
    expect(health.status).toBe(200);
    expect((await note(url)).text).toBe(first);
    const refused = verifyCheckpointText(c, signed, f.verifierKey, { policy });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problem).toMatchObject({ code: 'NO_QUORUM' });
    expect(!refused.ok && refused.problem.message).toMatch(/from external$/);
    const signedFile = path.join(f.dir, 'signed.txt');
    writeFileSync(signedFile, signed);
    const cli = await runCli(['verify-checkpoint', signedFile, '--policy', policyFile]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/NO_QUORUM: .*external/);

    // Back from the same state file on the same port: the quorum forms again, at the newest size.
    wb = await startWitnessProcess(b, [f.verifierKey], wb.port);
    procs.push(wb.proc);
    const again = await until(`the quorum at size ${lastSize}`, async () => {
      const r = await note(url);
      return r.text.startsWith(`reliability.test/log\n${lastSize}\n`) ? r.text : undefined;
    });
    expect(verifyCheckpointText(c, again, f.verifierKey, { policy }).ok).toBe(true);
    writeFileSync(signedFile, again);
    expect((await runCli(['verify-checkpoint', signedFile, '--policy', policyFile])).code).toBe(0);
    const ready = await readyz(url);
    expect(ready.body.witnessing).toMatchObject({ witnessedTreeSize: lastSize, quorum: 'group both (2 of 2)' });

    // The audit checks every stored cosignature, with the recorded keys and with the policy's.
    await ledger.stop();
    const audit = await runCli(['audit', '--db', f.dbFile, '--policy', policyFile, '--json']);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout).cosignaturesChecked).toBeGreaterThanOrEqual(4);
  });
});
