/**
 * `ledger audit --policy`: the policy gives the witness keys for checking stored cosignatures;
 * the log key stays the recorded one (or --key), so a policy with no log line, or several, works.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import type { VerifyIo } from '../../src/cli/verify-io.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { cosignCheckpoint, formatCosignerKey, formatVerifierKey, generateCosignerKey, generateSignerKey, verifierKeyOf } from '../../src/note/index.js';
import { openTestLedger, rotation } from '../support/ledger.js';
import { savePristine } from '../support/tamper.js';
import { tempDir } from '../support/tmp.js';

const witness = generateCosignerKey(c, 'witness.test/audit-cli', new Uint8Array(32).fill(11));
let dir: ReturnType<typeof tempDir>;
let db: string;
let logVkey: string;

beforeAll(async () => {
  dir = tempDir('ledger-audit-policy-');
  const t = openTestLedger();
  logVkey = t.ledger.key().verifierKey;
  await t.ledger.append('w', [rotation(0), rotation(1)] as unknown as EvidenceRecord[]);
  t.ledger.tick();
  const row = t.store.checkpoints.latest()!;
  const line = cosignCheckpoint(c, row.note.slice(0, row.note.indexOf('\n\n') + 1), witness, 1_800_000_000).replace(/\n$/, '');
  t.store.cosignatures.add({
    treeSize: row.treeSize,
    cosigner: witness.name,
    keyHash: witness.keyHash,
    timestamp: 1_800_000_000,
    line,
    witnessKey: formatCosignerKey(verifierKeyOf(witness)),
    receivedAt: '2026-09-14T02:00:00.000Z',
  });
  db = savePristine(t, dir.dir);
});
afterAll(() => dir.cleanup());

async function audit(...args: string[]): Promise<{ code: number; out: string }> {
  const run = { code: 0, out: '' };
  const io: VerifyIo = {
    stdout: (s) => void (run.out += s),
    stderr: (s) => void (run.out += s),
    stdin: Readable.from([]),
    stderrIsTTY: false,
    setExitCode: (code) => void (run.code = code),
    exit: (code) => {
      throw Object.assign(new Error('exit'), { exitCode: code });
    },
  };
  const program = new Command('ledger').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addCommand(auditCommand(io));
  try {
    await program.parseAsync(['audit', ...args], { from: 'user' });
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    if (code === undefined) throw err;
    run.code = code;
  }
  return run;
}

function policyFile(name: string, text: string): string {
  const file = path.join(dir.dir, name);
  writeFileSync(file, text);
  return file;
}

describe('ledger audit --policy', () => {
  const w = () => `witness W ${formatCosignerKey(verifierKeyOf(witness))}\nquorum W\n`;
  const other = () => formatVerifierKey(verifierKeyOf(generateSignerKey(c, 'other.test/log', new Uint8Array(32).fill(12))));

  it('takes a policy without log lines: the log key is the recorded one', async () => {
    const run = await audit('--db', db, '--policy', policyFile('no-log.txt', w()));
    expect(run.out).toContain('RESULT: OK');
    expect(run.code).toBe(0);
  });

  it('takes a policy with several logs', async () => {
    const run = await audit('--db', db, '--policy', policyFile('two-logs.txt', `log ${logVkey}\nlog ${other()}\n${w()}`));
    expect(run.out).toContain('RESULT: OK');
    expect(run.code).toBe(0);
  });

  it('still refuses --key when the policy lists logs and not that one', async () => {
    const run = await audit('--db', db, '--key', logVkey, '--policy', policyFile('other-log.txt', `log ${other()}\n${w()}`));
    expect(run.code).toBe(2);
    expect(run.out).toMatch(/not one of the logs/);
  });
});
