/**
 * The tiles.json logs (../shared/vectors) built through the real store: leaf i is the text
 * `tile vector leaf <i>`, appended with the nodes the frontier completes, as the sequencer
 * would, then a real signed checkpoint at each vector size. The leaves are not evidence
 * envelopes, so nothing here decodes them; the tile code only reads bytes and hashes.
 */
import path from 'node:path';
import { nodeCrypto } from '../../src/crypto/node.js';
import { Frontier, leafHash, type NewNode } from '../../src/merkle/index.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { Store, type EntryRow } from '../../src/store/index.js';
import { TEST_SETTINGS, testSigner } from './ledger.js';
import { tempDir } from './tmp.js';
import { tileVectorLeaf } from './vectors.js';

export interface VectorLog {
  store: Store;
  ledger: Ledger;
  dbPath: string;
  cleanup(): void;
}

export function buildVectorLog(size: number, checkpointSizes: readonly number[]): VectorLog {
  const t = tempDir('ledger-tile-vectors-');
  const dbPath = path.join(t.dir, 'ledger.db');
  const store = Store.open(dbPath);
  const frontier = Frontier.empty(nodeCrypto);
  const rows: EntryRow[] = [];
  const nodes: NewNode[] = [];
  for (let i = 0; i < size; i++) {
    const leaf = tileVectorLeaf(i);
    const hash = leafHash(nodeCrypto, leaf);
    nodes.push(...frontier.append(hash));
    rows.push({ index: i, leaf, leafHash: hash, receivedAt: '2026-09-14T02:00:00.000Z', source: 'vectors', type: 'vector', controlId: 'V', system: 'v', actorId: 'a', subjectId: 's', occurredAt: '2026-09-14T02:00:00Z' });
  }
  store.transaction(() => store.log.append(rows, nodes));
  const ledger = Ledger.open({ store, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS, clock: () => Date.parse('2026-09-14T02:00:01.000Z') });
  for (const s of checkpointSizes) ledger.checkpointAt(s);
  return {
    store,
    ledger,
    dbPath,
    cleanup() {
      ledger.close();
      store.close();
      t.cleanup();
    },
  };
}
