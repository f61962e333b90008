/**
 * A {@link NodeReader} that keeps every complete-subtree node in a Map. It holds the WHOLE
 * tree in memory (about 2n hashes for n leaves): for tests and for the offline bundle
 * verifier's small trees only. The server reads nodes from the store instead.
 */
import type { Crypto } from '../crypto/types.js';
import { MerkleError } from './errors.js';
import { Frontier } from './frontier.js';
import type { Hash, NodeReader } from './types.js';

export class MemoryNodeReader implements NodeReader {
  readonly #frontier: Frontier;
  readonly #nodes = new Map<string, Hash>();

  constructor(c: Crypto) {
    this.#frontier = Frontier.empty(c);
  }

  static fromLeafHashes(c: Crypto, leafHashes: Iterable<Hash>): MemoryNodeReader {
    const reader = new MemoryNodeReader(c);
    for (const leafHash of leafHashes) reader.append(leafHash);
    return reader;
  }

  get size(): number {
    return this.#frontier.size;
  }

  /** Appends a leaf hash and keeps every node the append completes. */
  append(leafHash: Hash): void {
    for (const node of this.#frontier.append(leafHash)) this.#nodes.set(key(node.level, node.index), node.hash);
  }

  /** MTH of all leaves appended so far. */
  root(): Hash {
    return this.#frontier.root();
  }

  getNode(level: number, index: number): Hash {
    const hash = this.#nodes.get(key(level, index));
    if (hash === undefined) {
      throw new MerkleError(
        'INDEX_OUT_OF_RANGE',
        `no complete node (level ${level}, index ${index}) in a tree of size ${this.size}`,
      );
    }
    return hash;
  }
}

function key(level: number, index: number): string {
  return `${level}/${index}`;
}
