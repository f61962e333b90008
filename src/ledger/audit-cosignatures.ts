/**
 * Audit of stored witness cosignatures (C2SP tlog-cosignature v1): each line must verify over
 * its stored checkpoint body, with the auditor's witness keys (`--policy`) when given, else with
 * the verifier key recorded beside it, and agree with its columns (name, key ID, timestamp).
 */
import type { Crypto } from '../crypto/types.js';
import { formatKeyHash, parseCosignerKey, verifyCosignatures, type VerifierKey } from '../note/index.js';
import type { CheckpointRow, CosignatureRow, Store } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

export class CosignatureChecker {
  checked = 0;

  constructor(
    private readonly c: Crypto,
    private readonly store: Store,
    private readonly findings: FindingLog,
    private readonly witnessKeys?: readonly VerifierKey[],
  ) {}

  run(): void {
    if (!this.store.cosignatures.exists()) return;
    let checkpoint: CheckpointRow | undefined;
    for (const row of this.store.cosignatures.iterate()) {
      this.checked++;
      if (checkpoint?.treeSize !== row.treeSize) checkpoint = this.store.checkpoints.at(row.treeSize);
      const problem = checkpoint ? this.problemOf(row, checkpoint) : 'the checkpoint it covers is not stored';
      if (!problem) continue;
      const unknown = problem.startsWith('unknown witness');
      this.findings.add({
        code: unknown ? 'COSIGNATURE_UNKNOWN_WITNESS' : 'COSIGNATURE_INVALID',
        treeSize: row.treeSize,
        message: `cosignature of checkpoint ${row.treeSize} by ${row.cosigner}+${formatKeyHash(row.keyHash)}: ${problem}`,
      });
    }
  }

  private problemOf(row: CosignatureRow, checkpoint: CheckpointRow): string | undefined {
    let key: VerifierKey | undefined;
    if (this.witnessKeys) {
      key = this.witnessKeys.find((k) => k.name === row.cosigner && k.keyHash === row.keyHash);
      if (!key) return 'unknown witness: not in the --policy file';
    } else {
      try {
        key = parseCosignerKey(this.c, row.witnessKey);
      } catch (err) {
        return `the recorded witness key is not usable: ${(err as Error).message}`;
      }
      if (key.name !== row.cosigner || key.keyHash !== row.keyHash) return `the recorded witness key ${row.witnessKey} is not this cosigner's`;
    }
    try {
      const found = verifyCosignatures(this.c, `${checkpoint.note}${row.line}\n`, [key]).cosignatures;
      if (found.length !== 1) return 'the line is not a cosignature from this key';
      if (found[0]!.timestamp !== row.timestamp) return `the line's timestamp ${found[0]!.timestamp} is not the recorded ${row.timestamp}`;
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  }
}
