/**
 * Suite 7: C2SP checkpoints. Signing a checkpoint note and opening (verifying) one, against raw
 * Ed25519 sign and verify of the same body bytes with the same library: the ratio is what the
 * note format costs. Also the ledger's full cadence step: sign after the tree grew, which
 * proves consistency with the previous checkpoint from storage and stores the note durably.
 */
import path from 'node:path';
import { nodeCrypto } from '../src/crypto/node.js';
import { utf8 } from '../src/crypto/bytes.js';
import { formatCheckpoint, openCheckpoint, signCheckpoint, verifierKeyOf, type Checkpoint } from '../src/note/index.js';
import { BENCH_ORIGIN, benchSigner, figure, openBenchLedger, withTempDir, type Figure } from './bench-common.js';
import { validRecords } from './bench-sequencer.js';

const SUITE = 'checkpoint';
/** A tree of a realistic size, so the size line has its usual length. */
const TREE_SIZE = 12_345_678;
/** Entries in the log before the cadence steps are timed. */
const DEFAULT_CADENCE_LOG_SIZE = 10_000;

export interface CheckpointOptions {
  measureMs: number;
  cadenceSteps: number;
  cadenceLogSize?: number;
}

/** Operations per second of `op`, run for about `ms` after a short warm-up. */
export function opsPerSecond(op: () => unknown, ms: number): number {
  const run = (duration: number) => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < duration) {
      op();
      n++;
    }
    return n / ((performance.now() - start) / 1000);
  };
  run(Math.min(200, ms / 5));
  return run(ms);
}

export async function benchCheckpoint({ measureMs, cadenceSteps, cadenceLogSize = DEFAULT_CADENCE_LOG_SIZE }: CheckpointOptions): Promise<Figure[]> {
  const signer = benchSigner();
  const verifier = verifierKeyOf(signer);
  const checkpoint: Checkpoint = { origin: BENCH_ORIGIN, size: TREE_SIZE, rootHash: nodeCrypto.sha256(utf8('root')), extensions: [] };
  const body = utf8(formatCheckpoint(checkpoint));
  const note = signCheckpoint(nodeCrypto, checkpoint, signer);
  const signature = nodeCrypto.ed25519Sign(signer.seed, body);

  const sign = opsPerSecond(() => signCheckpoint(nodeCrypto, checkpoint, signer), measureMs);
  const rawSign = opsPerSecond(() => nodeCrypto.ed25519Sign(signer.seed, body), measureMs);
  const open = opsPerSecond(() => openCheckpoint(nodeCrypto, note, [verifier], { expectedOrigin: BENCH_ORIGIN }), measureMs);
  const rawVerify = opsPerSecond(() => nodeCrypto.ed25519Verify(signer.publicKey, body, signature), measureMs);
  const cadence = await cadenceRate(cadenceSteps, cadenceLogSize);

  return [
    figure({ suite: SUITE, name: 'sign checkpoint note (format + Ed25519 + note)', unit: 'ops/s', value: sign, baselineName: 'raw Ed25519 sign of the same body', baseline: rawSign }),
    figure({ suite: SUITE, name: 'open checkpoint note (parse + verify + origin)', unit: 'ops/s', value: open, baselineName: 'raw Ed25519 verify of the same body', baseline: rawVerify }),
    figure({ suite: SUITE, name: `checkpointer step (consistency from storage, sign, durable insert), ${cadenceLogSize.toLocaleString('en-US')}-entry log`, unit: 'ops/s', value: cadence, baselineName: 'raw Ed25519 sign of the same body', baseline: rawSign }),
  ];
}

/** Ledger.tick after one more entry each time: what the one-second cadence does when the log grew. */
async function cadenceRate(steps: number, logSize: number): Promise<number> {
  return withTempDir(async (dir) => {
    const { store, ledger } = openBenchLedger(path.join(dir, 'cadence.db'));
    try {
      const records = validRecords(logSize);
      for (let i = 0; i < records.length; i += 1000) await ledger.append('bench', records.slice(i, i + 1000), undefined, 'batch');
      ledger.tick();
      let spent = 0;
      for (let i = 0; i < steps; i++) {
        await ledger.append('bench', validRecords(1, logSize + i));
        const start = performance.now();
        ledger.tick();
        spent += performance.now() - start;
      }
      if (ledger.latestCheckpoint()?.treeSize !== ledger.size) throw new Error('the cadence step did not sign the latest size');
      return steps / (spent / 1000);
    } finally {
      ledger.close();
      store.close();
    }
  });
}

