/**
 * The ledger's side of witnessing (C2SP tlog-witness, tlog-cosignature, tlog-policy): one
 * WitnessClient per witness of the policy, the cosignature lines served with every checkpoint
 * note, which checkpoint meets the policy's quorum, and whether each period close is witnessed
 * (by a quorum checkpoint at the close's size or later, linked to it by a consistency proof).
 */
import type { Crypto } from '../crypto/types.js';
import { MAX_SIGNATURE_LINES, describeMissingQuorum, evaluateQuorum, minimumCosigners, requiresWitnesses, type WitnessPolicy } from '../note/index.js';
import type { CheckpointRow, Store } from '../store/index.js';
import { WitnessClient, type WitnessClientStatus } from './witness-client.js';

/** How many cosigned sizes are examined, newest first, to find the newest quorum checkpoint at start-up. */
const QUORUM_SCAN_LIMIT = 1000;

export interface WitnessingDeps {
  store: Store;
  c: Crypto;
  policy: WitnessPolicy;
  clock: () => number;
  /** Longest back-off between two attempts to reach a witness. */
  retryMaxMs: number;
  latestSigned: () => CheckpointRow | undefined;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** A period close's witnessed status (member `witnessed` of GET /v1/periods/{id}). */
export type CloseWitnessing =
  | { quorum: true; treeSize: number; checkpoint: string }
  | { quorum: false; missing: string[]; reason: string };

/** What /readyz shows (member `witnessing`). */
export interface WitnessingHealth {
  quorum: string;
  /** Size of the newest checkpoint that meets the quorum (0: none yet). */
  witnessedTreeSize: number;
  /** Period closes not yet covered by a quorum checkpoint at their size or later. */
  closesPending: number;
  oldestPendingClose?: string;
  witnesses: WitnessClientStatus[];
  /** A witness refused this log's history: the first such reason. */
  conflict?: string;
}

export class Witnessing {
  private readonly clients: WitnessClient[];
  private latestQuorumSize: number | undefined;
  private readonly requires: boolean;

  constructor(private readonly deps: WitnessingDeps) {
    this.requires = requiresWitnesses(deps.policy);
    this.clients = deps.policy.witnesses
      .filter((w) => w.url !== undefined)
      .map(
        (w) =>
          new WitnessClient(
            { name: w.name, key: w.key, url: w.url! },
            {
              store: deps.store,
              c: deps.c,
              clock: deps.clock,
              retryMaxMs: deps.retryMaxMs,
              latestSigned: deps.latestSigned,
              onCosigned: (size) => this.cosigned(size),
              log: deps.log,
            },
          ),
      );
    this.latestQuorumSize = this.findLatestQuorum();
  }

  start(): void {
    for (const c of this.clients) c.start();
  }

  /** A checkpoint was signed: every witness client looks for work. */
  poke(): void {
    for (const c of this.clients) c.poke();
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
  }

  /** The stored note followed by the cosignature lines held for it (a note holds at most 100 lines). */
  note(row: CheckpointRow): string {
    return cosignedNote(this.deps.store, row);
  }

  /** Whether the cosignatures held for the checkpoint of `treeSize` meet the quorum, and who is missing. */
  quorumAt(treeSize: number): { met: boolean; missing: string[] } {
    const rows = this.deps.store.cosignatures.forCheckpoint(treeSize);
    const names = new Set(
      this.deps.policy.witnesses.filter((w) => rows.some((r) => r.cosigner === w.key.name && r.keyHash === w.key.keyHash)).map((w) => w.name),
    );
    return evaluateQuorum(this.deps.policy, names);
  }

  /** Size of the newest checkpoint that meets the quorum; with `quorum none`, the newest signed. */
  latestWitnessedSize(): number | undefined {
    return this.requires ? this.latestQuorumSize : this.deps.latestSigned()?.treeSize;
  }

  /** The first quorum checkpoint at `closeSize` or later. */
  closeStatus(closeSize: number): CloseWitnessing {
    if (!this.requires) {
      const row = this.deps.store.checkpoints.at(closeSize);
      return { quorum: true, treeSize: closeSize, checkpoint: row ? this.note(row) : '' };
    }
    for (const size of this.deps.store.cosignatures.sizesFrom(closeSize, QUORUM_SCAN_LIMIT)) {
      if (!this.quorumAt(size).met) continue;
      const row = this.deps.store.checkpoints.at(size)!;
      return { quorum: true, treeSize: size, checkpoint: this.note(row) };
    }
    const verdict = this.quorumAt(closeSize);
    return { quorum: false, missing: verdict.missing, reason: `${describeMissingQuorum(this.deps.policy, verdict)} on the close checkpoint or any later one yet` };
  }

  health(): WitnessingHealth {
    const witnessed = this.latestWitnessedSize() ?? 0;
    const pending = this.deps.store.cosignatures.closesAbove(witnessed);
    const witnesses = this.clients.map((c) => c.snapshot());
    const conflict = witnesses.find((w) => w.conflict)?.conflict;
    return {
      quorum: describeQuorum(this.deps.policy),
      witnessedTreeSize: witnessed,
      closesPending: pending.count,
      ...(pending.first ? { oldestPendingClose: pending.first } : {}),
      witnesses,
      ...(conflict ? { conflict } : {}),
    };
  }

  /**
   * Looks for a newer quorum checkpoint in the store, and each witness's cosigned size (a
   * follower: another instance collects the cosignatures). The quorum size only grows, so only
   * sizes above the known one are examined.
   */
  refresh(): void {
    for (const c of this.clients) c.resync();
    const known = this.latestQuorumSize ?? -1;
    const found = this.findLatestQuorum(known);
    if (found !== undefined) this.latestQuorumSize = found;
  }

  private cosigned(size: number): void {
    if ((this.latestQuorumSize ?? -1) < size && this.quorumAt(size).met) this.latestQuorumSize = size;
  }

  /** The newest size above `above` whose checkpoint meets the quorum. */
  private findLatestQuorum(above = -1): number | undefined {
    // Only checkpoints with enough cosignatures to possibly meet the quorum are examined.
    const atLeast = Math.max(1, minimumCosigners(this.deps.policy.quorum));
    for (const size of this.deps.store.cosignatures.sizesDescending(QUORUM_SCAN_LIMIT, atLeast)) {
      if (size <= above) return undefined;
      if (this.quorumAt(size).met) return size;
    }
    return undefined;
  }
}

function describeQuorum(policy: WitnessPolicy): string {
  const q = policy.quorum;
  return q.kind === 'none' ? 'none' : q.kind === 'witness' ? `witness ${q.name}` : `group ${q.name} (${q.threshold} of ${q.members.length})`;
}

/**
 * A stored checkpoint's note followed by the cosignature lines held for it (a note holds at most
 * 100 lines): what the service serves, and what `ledger export-tiles` publishes.
 */
export function cosignedNote(store: Store, row: CheckpointRow): string {
  const lines = store.cosignatures.forCheckpoint(row.treeSize).slice(0, MAX_SIGNATURE_LINES - 1);
  return row.note + lines.map((l) => `${l.line}\n`).join('');
}
