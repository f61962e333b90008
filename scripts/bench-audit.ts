/**
 * Suite 6: `ledger audit` (auditLedger: every entry, the hash chain, the whole tree and every
 * checkpoint recomputed) on a cached log, against raw SHA-256 over the same leaf bytes with the
 * same library (node:crypto), the leaves already in memory: the floor any audit must pay.
 */
import { nodeCrypto } from '../src/crypto/node.js';
import { auditLedger } from '../src/ledger/audit.js';
import { Store } from '../src/store/index.js';
import { figure, sizeLabel, type Figure } from './bench-common.js';

const SUITE = 'audit';
const BYTES_PER_MB = 1_000_000;

export function benchAudit(file: string, notes: string[]): Figure[] {
  const store = Store.open(file, { readonly: true });
  try {
    const report = auditLedger(store, { crypto: nodeCrypto });
    if (!report.ok) throw new Error(`audit of ${file} found ${report.findingCount} problems: ${JSON.stringify(report.findings.slice(0, 3))}`);

    const leaves: Uint8Array[] = [];
    let bytes = 0;
    for (const row of store.log.iterate()) {
      leaves.push(row.leaf);
      bytes += row.leaf.length;
    }
    let sink = 0;
    const start = performance.now();
    for (const leaf of leaves) sink ^= nodeCrypto.sha256(leaf)[0]!;
    const seconds = (performance.now() - start) / 1000;
    if (sink < 0) throw new Error('unreachable: keeps the hashing observable');

    const at = `${sizeLabel(report.entries)} entries`;
    notes.push(`audit at ${at}: ${report.elapsedMs.toFixed(0)} ms, ${report.nodesCompared} nodes compared, ${report.checkpointsChecked} checkpoints checked`);
    const baselineName = 'raw SHA-256 (node:crypto) of the same leaves, in memory';
    return [
      figure({ suite: SUITE, name: `ledger audit, ${at}`, unit: 'entries/s', value: report.entriesPerSecond, baselineName, baseline: leaves.length / seconds }),
      figure({ suite: SUITE, name: `ledger audit, ${at}`, unit: 'MB/s', value: report.megabytesPerSecond, baselineName, baseline: bytes / BYTES_PER_MB / seconds }),
    ];
  } finally {
    store.close();
  }
}
