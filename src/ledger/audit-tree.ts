/**
 * The audit's tree check: rebuilds the RFC 9162 §2.1.1 tree from the recomputed leaf hashes
 * with a Frontier (O(log n) memory), and compares every complete subtree an append creates
 * with the stored node at (level, index). Afterwards, every stored node outside the tree of
 * the final size is reported, so each stored node is either compared or reported.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { Frontier, type Hash } from '../merkle/index.js';
import type { LogStore } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

/** Stored nodes read per statement, per level: the pass asks for them in index order. */
const READ_AHEAD_NODES = 512;

export class TreeChecker {
  readonly #frontier: Frontier;
  #nodesCompared = 0;
  /** Per level: the read-ahead window [from, to) and the stored nodes found in it. */
  readonly #ahead = new Map<number, { from: number; to: number; nodes: Map<number, Hash> }>();

  constructor(
    c: Crypto,
    private readonly log: LogStore,
    private readonly findings: FindingLog,
  ) {
    this.#frontier = Frontier.empty(c);
  }

  get size(): number {
    return this.#frontier.size;
  }

  get nodesCompared(): number {
    return this.#nodesCompared;
  }

  /** MTH of the recomputed tree so far. O(log n). */
  root(): Hash {
    return this.#frontier.root();
  }

  append(leafHash: Hash): void {
    for (const node of this.#frontier.append(leafHash)) {
      // Level 0 is the entry's own leaf_hash column, compared by the entry checks.
      if (node.level === 0) continue;
      this.#nodesCompared++;
      const stored = this.storedNode(node.level, node.index);
      const where = describeNode(node.level, node.index);
      if (stored === undefined) {
        this.findings.add({ code: 'NODE_MISSING', node: { level: node.level, index: node.index }, message: `${where} is missing` });
      } else if (!bytesEqual(stored, node.hash)) {
        this.findings.add({
          code: 'NODE_MISMATCH',
          node: { level: node.level, index: node.index },
          message: `${where} is stored as ${toHex(stored)} but those entries give ${toHex(node.hash)}: the node or one of them was changed`,
        });
      }
    }
  }

  /** The stored node (level, index), from a window read ahead in one statement (a round trip each on PostgreSQL). */
  private storedNode(level: number, index: number): Hash | undefined {
    let window = this.#ahead.get(level);
    if (!window || index < window.from || index >= window.to) {
      window = { from: index, to: index + READ_AHEAD_NODES, nodes: this.log.findNodes(level, index, index + READ_AHEAD_NODES) };
      this.#ahead.set(level, window);
    }
    return window.nodes.get(index);
  }

  /** Reports stored nodes beyond the final tree (e.g. left behind when a tail was deleted). */
  finish(): void {
    for (const { level, index } of this.log.nodesOutside(this.#frontier.size)) {
      const shape = typeof level === 'number' && typeof index === 'number';
      this.findings.add({
        code: 'NODE_STRAY',
        ...(shape ? { node: { level, index } } : {}),
        message: shape
          ? `${describeNode(level, index)} is stored but the log has only ${this.#frontier.size} entries`
          : `a stored node has a malformed key (level ${String(level)}, index ${String(index)})`,
      });
    }
  }
}

function describeNode(level: number, index: number): string {
  const first = index * 2 ** level;
  return `tree node (level ${level}, index ${index}) over entries ${first}..${first + 2 ** level - 1}`;
}
