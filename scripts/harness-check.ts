/**
 * What the crash harness checks after every kill, reading the database file directly (not
 * through the ledger's code) and recomputing with its own oracle:
 * - indexes are dense from 0, each leaf hashes to its stored leaf_hash, `index` and `prev`
 *   chain every entry to the one before, `receivedAt` never decreases;
 * - entries verified after an earlier kill are still there, byte for byte;
 * - every acknowledged entry is present at the index and with the leaf hash it was answered with;
 * - no record (marker) is present twice; an unacknowledged request is present whole or not at all;
 * - every signed checkpoint (stored, or seen by a client) verifies with the key and its root is
 *   the recomputed root of that prefix, so any two of them are consistent; none was lost.
 * State carries over between kills so each check reads all rows but re-hashes only new ones.
 */
import Database from 'better-sqlite3';
import { PrefixRoots, leafHashOf, merkleTreeHash, openCheckpointNote, type OracleKey } from './harness-oracle.js';
import type { HarnessRequest } from './harness-writers.js';

const ZERO_HASH_HEX = '0'.repeat(64);

export interface CheckResult {
  size: number;
  checkpoints: number;
  newEntries: number;
  /** Size of the log minus the newest checkpoint's size: entries committed but not yet signed at the kill. */
  unsignedTail: number;
  findings: string[];
}

interface Row {
  idx: number;
  leaf: Buffer;
  leaf_hash: Buffer;
}

export class LogChecker {
  private readonly leafHashes: Buffer[] = [];
  private readonly markerAt = new Map<string, number>();
  private readonly prefix = new PrefixRoots();
  /** Notes already verified, by tree size: a signed checkpoint never changes and never goes away. */
  private readonly notes = new Map<number, string>();
  private lastReceivedAt = '';

  constructor(
    private readonly dbFile: string,
    private readonly key: OracleKey,
  ) {}

  get size(): number {
    return this.leafHashes.length;
  }

  /** Where the log holds this marker, if it does. */
  indexOf(marker: string): number | undefined {
    return this.markerAt.get(marker);
  }

  leafHashHex(index: number): string | undefined {
    return this.leafHashes[index]?.toString('hex');
  }

  check(newlyAcked: readonly HarnessRequest[], clientNotes: Iterable<string>, pending: readonly HarnessRequest[]): CheckResult {
    const findings: string[] = [];
    // Read-only: the next server start, not the harness, must recover the WAL the kill left.
    const db = new Database(this.dbFile, { readonly: true, fileMustExist: true });
    const before = this.size;
    let checkpointRows: { tree_size: number; root_hash: Buffer; note: string }[] = [];
    const roots = new Map<number, Buffer>();
    try {
      // One read transaction: entries and checkpoints from the same snapshot.
      db.transaction(() => {
        checkpointRows = db.prepare('SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size').all() as typeof checkpointRows;
        const wanted = new Set(checkpointRows.filter((r) => this.notes.get(r.tree_size) !== r.note).map((r) => r.tree_size));
        // Sizes below what was verified before (e.g. a period close signed late) are recomputed from the leaves.
        for (const size of wanted) if (size <= before) roots.set(size, merkleTreeHash(this.leafHashes, 0, size));
        this.checkEntries(db, findings, wanted, roots);
      })();
    } finally {
      db.close();
    }
    const stored = new Map(checkpointRows.map((r) => [r.tree_size, r.note]));
    for (const size of this.notes.keys()) if (!stored.has(size)) findings.push(`checkpoint at size ${size}, seen before, is gone`);
    for (const row of checkpointRows) {
      if (this.notes.get(row.tree_size) === row.note) continue;
      if (this.notes.has(row.tree_size)) findings.push(`checkpoint at size ${row.tree_size} changed`);
      this.checkNote(row.note, row.tree_size, roots, findings);
      if (!row.root_hash.equals(roots.get(row.tree_size) ?? Buffer.alloc(0))) findings.push(`root_hash column of checkpoint ${row.tree_size} is wrong`);
      this.notes.set(row.tree_size, row.note);
    }
    for (const note of clientNotes) {
      const size = Number(note.split('\n')[1]);
      if (stored.get(size) !== note) findings.push(`a client was served a checkpoint at size ${size} that the database does not hold`);
    }
    this.checkAcked(newlyAcked, findings);
    this.checkPending(pending, findings);
    const newest = checkpointRows.at(-1)?.tree_size ?? 0;
    return { size: this.size, checkpoints: checkpointRows.length, newEntries: this.size - before, unsignedTail: this.size - newest, findings };
  }

  private checkEntries(db: Database.Database, findings: string[], wanted: Set<number>, roots: Map<number, Buffer>): void {
    const { count, lo, hi } = db.prepare('SELECT COUNT(*) AS count, MIN(idx) AS lo, MAX(idx) AS hi FROM entries').get() as {
      count: number;
      lo: number | null;
      hi: number | null;
    };
    if (count > 0 && (lo !== 0 || hi !== count - 1)) findings.push(`indexes are not dense: ${count} rows span ${lo}..${hi}`);
    if (count < this.size) findings.push(`the log shrank from ${this.size} to ${count} entries`);
    // Entries verified after earlier kills must be exactly what they were.
    const old = db.prepare('SELECT idx, leaf_hash FROM entries WHERE idx < ? ORDER BY idx');
    for (const r of old.iterate(this.size) as Iterable<Row>) {
      if (!r.leaf_hash.equals(this.leafHashes[r.idx]!)) findings.push(`entry ${r.idx} changed after it was verified`);
    }
    const fresh = db.prepare('SELECT idx, leaf, leaf_hash FROM entries WHERE idx >= ? ORDER BY idx');
    for (const r of fresh.iterate(this.size) as Iterable<Row>) {
      this.checkNewEntry(r, findings);
      if (wanted.has(this.size)) roots.set(this.size, this.prefix.root());
    }
  }

  private checkNewEntry(r: Row, findings: string[]): void {
    const index = this.size;
    const hash = leafHashOf(r.leaf);
    if (r.idx !== index) findings.push(`expected entry ${index}, found ${r.idx}`);
    if (!hash.equals(r.leaf_hash)) findings.push(`entry ${index}: leaf_hash is not SHA-256(0x00 || leaf)`);
    const env = JSON.parse(r.leaf.toString('utf8')) as { v: number; index: number; prev: string; receivedAt: string; record: { subject: { id: string } } };
    const prev = index === 0 ? ZERO_HASH_HEX : this.leafHashes[index - 1]!.toString('hex');
    if (env.v !== 1 || env.index !== index) findings.push(`entry ${index}: envelope says v=${env.v} index=${env.index}`);
    if (env.prev !== prev) findings.push(`entry ${index}: prev does not chain to entry ${index - 1}`);
    if (env.receivedAt < this.lastReceivedAt) findings.push(`entry ${index}: receivedAt ${env.receivedAt} < ${this.lastReceivedAt}`);
    const marker = env.record.subject.id;
    const earlier = this.markerAt.get(marker);
    if (earlier !== undefined) findings.push(`record ${marker} is present twice: entries ${earlier} and ${index}`);
    else this.markerAt.set(marker, index);
    this.lastReceivedAt = env.receivedAt;
    this.leafHashes.push(hash);
    this.prefix.add(hash);
  }

  private checkNote(note: string, size: number, roots: Map<number, Buffer>, findings: string[]): void {
    try {
      const cp = openCheckpointNote(note, this.key);
      const root = roots.get(cp.size);
      if (cp.size !== size) findings.push(`checkpoint row ${size} holds a note for size ${cp.size}`);
      else if (!root) findings.push(`checkpoint at size ${size} is beyond the log (${this.size} entries)`);
      else if (!cp.root.equals(root)) findings.push(`checkpoint at size ${size}: signed root is not the root of the first ${size} entries`);
    } catch (err) {
      findings.push(`checkpoint at size ${size}: ${(err as Error).message}`);
    }
  }

  private checkAcked(acked: readonly HarnessRequest[], findings: string[]): void {
    for (const req of acked) {
      req.acked!.forEach((a, i) => {
        const marker = req.markers[i]!;
        const at = this.markerAt.get(marker);
        if (at === undefined) findings.push(`acknowledged record ${marker} (index ${a.index}) is missing`);
        else if (at !== a.index) findings.push(`acknowledged record ${marker} was answered index ${a.index} but sits at ${at}`);
        else if (this.leafHashHex(at) !== a.leafHash) findings.push(`acknowledged record ${marker}: leaf hash differs from the answer`);
      });
    }
  }

  /** An unacknowledged request's records are all present, in order and adjacent, or none is. */
  private checkPending(pending: readonly HarnessRequest[], findings: string[]): void {
    for (const req of pending) {
      const at = req.markers.map((m) => this.markerAt.get(m));
      const present = at.filter((i) => i !== undefined) as number[];
      if (present.length && present.length !== at.length) findings.push(`request ${req.id} is partly present: ${at.join(',')}`);
      if (present.some((i, k) => i !== present[0]! + k)) findings.push(`request ${req.id}'s records are not adjacent: ${present.join(',')}`);
    }
  }
}
