/**
 * `ledger audit` checks every stored witness cosignature: against the witness key recorded beside
 * it, or against the auditor's --policy keys. Cosignatures are made here by hand with the witness
 * key (C2SP tlog-cosignature), then stored or forged in the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { cosignCheckpoint, formatCosignerKey, generateCosignerKey, verifierKeyOf } from '../../src/note/index.js';
import { auditLedger } from '../../src/ledger/audit.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

let t: TestLedger;
afterEach(() => t.cleanup());

const witness = generateCosignerKey(c, 'witness.test/audit', new Uint8Array(32).fill(5));
const other = generateCosignerKey(c, 'witness.test/other', new Uint8Array(32).fill(6));

async function ledgerWithCheckpoint(): Promise<{ size: number; body: string }> {
  t = openTestLedger();
  await t.ledger.append('w', [rotation(0), rotation(1)] as unknown as EvidenceRecord[]);
  t.ledger.tick();
  const row = t.store.checkpoints.latest()!;
  return { size: row.treeSize, body: row.note.slice(0, row.note.indexOf('\n\n') + 1) };
}

function store(size: number, line: string, key = witness, timestamp = 1_800_000_000): void {
  t.store.cosignatures.add({
    treeSize: size,
    cosigner: key.name,
    keyHash: key.keyHash,
    timestamp,
    line: line.replace(/\n$/, ''),
    witnessKey: formatCosignerKey(verifierKeyOf(key)),
    receivedAt: '2026-09-14T02:00:00.000Z',
  });
}

describe('audit of stored cosignatures', () => {
  it('passes genuine cosignatures, with the recorded keys and with the policy keys', async () => {
    const { size, body } = await ledgerWithCheckpoint();
    store(size, cosignCheckpoint(c, body, witness, 1_800_000_000));
    const report = auditLedger(t.store, { crypto: c });
    expect(report).toMatchObject({ ok: true, cosignaturesChecked: 1 });
    expect(auditLedger(t.store, { crypto: c, witnessKeys: [verifierKeyOf(witness)] }).ok).toBe(true);
    // Without a witness policy the ledger serves notes exactly as signed.
    expect(t.ledger.servedNote(t.store.checkpoints.at(size)!)).toBe(t.store.checkpoints.at(size)!.note);
  });

  it('finds a line that does not verify over its checkpoint, and a timestamp that disagrees', async () => {
    const { size, body } = await ledgerWithCheckpoint();
    store(size, cosignCheckpoint(c, body.replace(/\n\d+\n/, '\n99\n'), witness, 1_800_000_000));
    store(size, cosignCheckpoint(c, body, other, 7), other, 8);
    const report = auditLedger(t.store, { crypto: c });
    expect(report.findingsByCode).toEqual({ COSIGNATURE_INVALID: 2 });
    expect(report.findings.map((f) => f.message).join('\n')).toMatch(/witness.test\/audit.*signature does not verify[\s\S]*timestamp 7 is not the recorded 8/);
  });

  it('with --policy keys, names a cosigner the auditor does not know', async () => {
    const { size, body } = await ledgerWithCheckpoint();
    store(size, cosignCheckpoint(c, body, other, 1_800_000_000), other);
    const report = auditLedger(t.store, { crypto: c, witnessKeys: [verifierKeyOf(witness)] });
    expect(report.findingsByCode).toEqual({ COSIGNATURE_UNKNOWN_WITNESS: 1 });
  });

  it('refuses a cosignature for a checkpoint that was never signed, and any change or deletion', async () => {
    const { size, body } = await ledgerWithCheckpoint();
    expect(() => store(size + 1, cosignCheckpoint(c, body, witness, 1))).toThrow(/needs the signed checkpoint/);
    store(size, cosignCheckpoint(c, body, witness, 1));
    expect(() => t.store.db.prepare('UPDATE cosignatures SET "timestamp" = 2').run()).toThrow(/append-only/);
    expect(() => t.store.db.prepare('DELETE FROM cosignatures').run()).toThrow(/append-only/);
  });
});
