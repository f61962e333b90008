/**
 * The ledger: one store, one sequencer (the only writer), one checkpointer, proofs, and the
 * search indexer that keeps the query index behind the log.
 * No HTTP here; the service and the tests drive it directly.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toBase64 } from '../crypto/bytes.js';
import { Frontier, rootAt } from '../merkle/index.js';
import { formatVerifierKey, verifierKeyOf, type SignerKey, type WitnessPolicy } from '../note/index.js';
import type { EvidenceRecord } from '../evidence/index.js';
import type { CheckpointRow, EntryFilter, EntryRow, Store } from '../store/index.js';
import { Checkpointer } from './checkpointer.js';
import { TileService } from './tiles.js';
import { systemClock, type Clock } from './clock.js';
import { LedgerError, NotLeaderError } from './errors.js';
import type { LeaderTerm, Leadership, LedgerRole } from './leadership.js';
import { PeriodCloser } from './period-closer.js';
import { ProofService } from './proofs.js';
import { Sequencer, type AppendResult, type AppendedEntry, type Submission } from './sequencer.js';
import { LEDGER_SOURCE, isLedgerSource } from '../evidence/access-records.js';
import { SearchIndexer, type SearchIndexerSettings } from './search-indexer.js';
import { requestHash } from './request-hash.js';
import { Witnessing, type CloseWitnessing, type WitnessingHealth } from './witnessing.js';
import { DEFAULT_WITNESS_RETRY_MAX_MS } from './witness-client.js';

export interface LedgerSettings {
  batchMax: number;
  batchWaitMs: number;
  queueMax: number;
  checkpointIntervalMs: number;
  fiscalYearStart: number;
  /** Distinct admins who must ask before a redaction removes a leaf (LEDGER_REDACTION_APPROVALS); default 1. */
  redactionApprovals?: number;
}

export interface LedgerDeps {
  store: Store;
  signer: SignerKey;
  crypto: Crypto;
  settings: LedgerSettings;
  clock?: Clock;
  /** Loud reports: signing halted, a tick that failed, a search index step that failed. */
  onError?: (message: string, err?: unknown) => void;
  /** Step size, lag cap and retry delay of the search indexer (defaults in search-indexer.ts). */
  searchIndexer?: Partial<SearchIndexerSettings>;
  /** C2SP tlog-policy whose witnesses cosign each new checkpoint; none: unwitnessed, as before. */
  witnessPolicy?: WitnessPolicy;
  /** Longest back-off between attempts to reach a witness (default 30 s). */
  witnessRetryMaxMs?: number;
  /**
   * 'follower': never writes; serves reads from the store, following another instance's commits,
   * until {@link Ledger.promote}. Default 'leader' (the only writer, as a SQLite ledger always is).
   */
  role?: LedgerRole;
  /** Who leads, for followers' answers (default: the store's, see leadership.ts). */
  leadership?: Leadership;
  /** Witness progress and refusals (info, warn); errors also go to onError. */
  onWitnessLog?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}


export interface KeyInfo {
  origin: string;
  verifierKey: string;
  /** base64 of the raw 32-byte Ed25519 public key */
  publicKey: string;
}

/** A follower's cadence follows the store at least this often. */
const FOLLOW_INTERVAL_MS = 250;
/** A follower's size read more than this long after the last one looks at the store first. */
const FOLLOW_FRESH_MS = 50;

const META_ORIGIN = 'origin';
const META_VERIFIER_KEY = 'verifier_key';

export class Ledger {
  readonly store: Store;
  readonly proofs: ProofService;
  /** Reporting-period closes (contract, "Periods"). */
  readonly periods: PeriodCloser;
  readonly settings: LedgerSettings;
  readonly clock: Clock;
  private readonly sequencer: Sequencer;
  private readonly checkpointer: Checkpointer;
  private readonly indexer: SearchIndexer;
  /** Tells the indexer that a submission settled (bound once: it runs after every append). */
  private readonly onSettled = (): void => this.indexer.poke();
  private keyInfo: KeyInfo;
  private roleNow: LedgerRole;
  private term: LeaderTerm | undefined;
  /** Why leadership was lost, once it was: this instance never writes again. */
  private lostReason: string | undefined;
  private started = false;
  /** When a follower last read the stored size (reads refresh lazily, at most every FOLLOW_FRESH_MS). */
  private followedAtMs = 0;
  private readonly leadership: Leadership;
  /** Present when a witness policy is configured. */
  private readonly witnessing: Witnessing | undefined;
  private readonly sourceKeys: Map<string, Uint8Array>;
  private timer: NodeJS.Timeout | undefined;
  private lastTickError: string | undefined;
  private walTruncationPending = false;

  private constructor(private readonly deps: LedgerDeps) {
    const { store, crypto: c, signer, settings } = deps;
    this.store = store;
    this.settings = settings;
    this.clock = deps.clock ?? systemClock;
    this.roleNow = deps.role ?? 'leader';
    this.leadership = deps.leadership ?? store;
    // A follower records nothing: the leader records the key of a new log.
    this.keyInfo = checkKeyMatchesDatabase(store, signer, this.roleNow === 'leader');
    // O(log n) reads: the frontier comes back from stored complete subtrees, not leaves.
    const frontier = Frontier.load(c, store.log.size(), store.log);
    // Sources that sign their records: few (one row each), read once; the sequencer keeps it current.
    this.sourceKeys = new Map(store.access.allSourceKeys().map((row) => [row.source, row.publicKey]));
    this.sequencer = new Sequencer(store, c, frontier, { ...settings, clock: this.clock, sourceKeys: this.sourceKeys });
    this.checkpointer = new Checkpointer(store, c, signer, this.clock, {
      onHalt: (reason) => deps.onError?.(`CHECKPOINT SIGNING HALTED: ${reason}`),
      onSigned: () => this.witnessing?.poke(),
    });
    this.indexer = new SearchIndexer({
      store,
      size: () => this.sequencer.size,
      busy: () => this.sequencer.queued > 0,
      onError: deps.onError,
      settings: deps.searchIndexer,
    });
    this.witnessing = deps.witnessPolicy
      ? new Witnessing({
          store,
          c,
          policy: deps.witnessPolicy,
          clock: this.clock,
          retryMaxMs: deps.witnessRetryMaxMs ?? DEFAULT_WITNESS_RETRY_MAX_MS,
          latestSigned: () => store.checkpoints.latest(),
          log: (level, message, fields) => {
            if (level === 'error') deps.onError?.(message, fields);
            else deps.onWitnessLog?.(level, message, fields);
          },
        })
      : undefined;
    this.proofs = new ProofService(store, c, {
      note: (row) => this.servedNote(row),
      defaultSize: () => this.checkpointToServe()?.treeSize ?? this.proofs.signedSize(),
    });
    this.periods = new PeriodCloser(this, settings.fiscalYearStart);
    if (this.roleNow === 'leader') this.verifyLatestCheckpoint();
  }

  static open(deps: LedgerDeps): Ledger {
    return new Ledger(deps);
  }

  /**
   * Starts signing on the cadence and indexing in the background. Signs at once if the tree grew
   * while the ledger was down, and closes every period that ended meanwhile (the first tick).
   */
  start(): void {
    this.started = true;
    if (this.roleNow === 'follower') {
      // A follower's cadence only follows the store (tick).
      this.timer = setInterval(() => this.tick(), Math.min(this.settings.checkpointIntervalMs, FOLLOW_INTERVAL_MS));
      this.timer.unref();
      return;
    }
    this.indexer.start();
    this.witnessing?.start();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.settings.checkpointIntervalMs);
    this.timer.unref();
  }

  /**
   * One cadence step: close the periods that have ended, then sign a checkpoint when the tree
   * has grown since the last one. Closes come first: each raises the receivedAt floor to its end.
   */
  tick(): void {
    if (this.roleNow === 'follower') {
      this.follow();
      return;
    }
    // A safety net: the indexer is also woken by every append.
    this.indexer.poke();
    if (this.walTruncationPending) this.truncateWal();
    let failure: string | undefined;
    try {
      this.periods.closeDue();
    } catch (err) {
      failure = (err as Error).message;
      this.deps.onError?.('period close failed', err);
    }
    try {
      const latest = this.store.checkpoints.latest();
      const size = this.sequencer.size;
      if (!latest || size > latest.treeSize) this.checkpointer.ensureSigned(size, this.sequencer.root());
    } catch (err) {
      failure = (err as Error).message;
      this.deps.onError?.('checkpoint tick failed', err);
    }
    this.lastTickError = failure;
  }

  /** Appends records from `source`; resolves once they are durable. */
  append(
    source: string,
    records: EvidenceRecord[],
    idempotencyKey?: string,
    kind: 'entry' | 'batch' = 'entry',
    signed?: Submission['signed'],
  ): Promise<AppendResult> {
    if (isLedgerSource(source)) return Promise.reject(new LedgerError('INVALID_ENTRY', `source ${source} is reserved for the ledger's own records`));
    return this.submit({ source, records, ...(signed ? { signed } : {}) }, idempotencyKey, kind);
  }

  /**
   * Appends records the ledger makes about its own access (source `LEDGER_SOURCE`), with the
   * writes that belong to them in the same durable transaction (access-recorder.ts).
   */
  appendOwn(records: EvidenceRecord[], extra: Pick<Submission, 'alsoWrite' | 'keyChange'> = {}): Promise<AppendResult> {
    return this.submit({ source: LEDGER_SOURCE, records, ...extra }, undefined, 'batch');
  }

  /** The Ed25519 public key `source` signs its records with, when it registered one. */
  sourceKey(source: string): Uint8Array | undefined {
    return this.sourceKeys.get(source);
  }

  private submit(base: Submission, idempotencyKey: string | undefined, kind: 'entry' | 'batch'): Promise<AppendResult> {
    const { source, records } = base;
    if (this.roleNow !== 'leader') return Promise.reject(this.notLeader());
    // An entry that can never be covered by a signed checkpoint must not be acknowledged.
    const halted = this.checkpointer.halted;
    if (halted) return Promise.reject(new LedgerError('SIGNING_HALTED', `the ledger has stopped signing and accepts no entries: ${halted}`));
    const idempotency = idempotencyKey
      ? { key: idempotencyKey, requestHash: requestHash(this.deps.crypto, kind, records) }
      : undefined;
    const result = this.sequencer.submit(idempotency ? { ...base, idempotency } : base);
    // A side chain that handles both outcomes: the caller still sees the rejection, once.
    result.then(this.onSettled, this.onSettled);
    return result;
  }

  /**
   * Appends `records` from `source` and runs `withinCommit` in the same durable transaction, after
   * them (see Submission.withinCommit): what it writes commits with the entries or not at all.
   */
  appendWithin(source: string, records: EvidenceRecord[], withinCommit: (entries: readonly AppendedEntry[]) => void): Promise<AppendResult> {
    if (this.roleNow !== 'leader') return Promise.reject(this.notLeader());
    const halted = this.checkpointer.halted;
    if (halted) return Promise.reject(new LedgerError('SIGNING_HALTED', `the ledger has stopped signing and accepts no entries: ${halted}`));
    const result = this.sequencer.submit({ source, records, withinCommit });
    result.then(this.onSettled, this.onSettled);
    return result;
  }

  /**
   * Truncates the WAL after a redaction (Store.truncateWal); when a reader holds it back, the
   * cadence tick retries until it succeeds, so the removed bytes do not linger in the -wal file.
   */
  truncateWal(): boolean {
    let done = false;
    try {
      done = this.store.truncateWal();
    } catch (err) {
      this.deps.onError?.('WAL truncation after a redaction failed', err);
    }
    this.walTruncationPending = !done;
    return done;
  }

  get size(): number {
    if (this.roleNow === 'follower' && performance.now() - this.followedAtMs >= FOLLOW_FRESH_MS) this.follow();
    return this.sequencer.size;
  }

  /** This instance's part: the sequencer (and its term), or a follower (and who leads, when known). */
  role(): { role: LedgerRole; term?: number; leader?: string } {
    if (this.roleNow === 'leader') {
      // A store that led from its open (PostgreSQL without `follower`) recorded the term itself.
      const term = this.term?.term ?? (this.leadership.backend === 'postgres' ? this.currentLeader()?.term : undefined);
      return { role: 'leader', ...(term !== undefined ? { term } : {}) };
    }
    const current = this.currentLeader();
    return { role: 'follower', ...(current ? { term: current.term, ...(current.url ? { leader: current.url } : {}) } : {}) };
  }

  /**
   * Becomes the sequencer (the store granted `term`): takes the head, the key, the receivedAt
   * floor and the search progress from the store, checks the latest checkpoint against the
   * stored tree as a fresh start does, and starts signing, indexing and witnessing.
   */
  promote(term: LeaderTerm): void {
    if (this.lostReason) throw new NotLeaderError(`this instance lost its leadership (${this.lostReason}) and may not lead again; restart it`);
    if (this.roleNow === 'leader') return;
    const { store } = this;
    // A new log's key is recorded by its first leader; a database that holds another log's key is refused.
    this.keyInfo = checkKeyMatchesDatabase(store, this.deps.signer, true);
    store.readSnapshot(() => this.sequencer.reload(Frontier.load(this.deps.crypto, store.log.size(), store.log)));
    this.sourceKeys.clear();
    for (const row of store.access.allSourceKeys()) this.sourceKeys.set(row.source, row.publicKey);
    this.periods.restoreFloor();
    this.indexer.resync();
    this.witnessing?.refresh();
    this.term = term;
    this.roleNow = 'leader';
    this.verifyLatestCheckpoint();
    if (this.started) {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      this.start();
    }
  }

  /**
   * Leadership is gone (another instance holds a newer term): stops writing at once, fails what
   * is queued with NOT_LEADER, and serves reads as a follower until the process is restarted.
   */
  loseLeadership(reason: string): void {
    if (this.roleNow !== 'leader') return;
    this.lostReason = reason;
    this.roleNow = 'follower';
    this.indexer.stop();
    void this.witnessing?.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sequencer.failQueued(this.notLeader());
    if (this.started) this.start();
  }

  private currentLeader(): LeaderTerm | undefined {
    try {
      return this.leadership.currentLeader();
    } catch (err) {
      this.deps.onError?.('cannot read who leads', err);
      return undefined;
    }
  }

  private notLeader(): NotLeaderError {
    const url = this.currentLeader()?.url ?? undefined;
    const why = this.lostReason ? `this instance lost its leadership (${this.lostReason})` : 'this instance is a read-only follower';
    return new NotLeaderError(`${why}; writes go to the leader${url ? ` at ${url}` : ''}: retry after Retry-After`, url);
  }

  /**
   * A follower's view of the store: the tree (size, root, prev) another instance committed, its
   * search progress and its witnessing. O(log n) reads when the size moved, one read otherwise.
   */
  private follow(): void {
    const { store } = this;
    this.followedAtMs = performance.now();
    try {
      store.readSnapshot(() => {
        const size = store.log.size();
        if (size !== this.sequencer.size) this.sequencer.reload(Frontier.load(this.deps.crypto, size, store.log));
      });
      this.indexer.resync();
      this.witnessing?.refresh();
      this.lastTickError = undefined;
    } catch (err) {
      this.lastTickError = (err as Error).message;
      this.deps.onError?.('following the store failed', err);
    }
  }

  get queued(): number {
    return this.sequencer.queued;
  }

  /** Called after every group commit with its record count and transaction time (src/metrics). */
  set onCommit(observer: ((records: number, seconds: number) => void) | undefined) {
    this.sequencer.onCommit = observer;
  }

  /** Entries [0, searchIndexedThrough) are in the search index; the rest are scanned by listings. */
  get searchIndexedThrough(): number {
    return this.indexer.indexedThrough;
  }

  /** Committed entries not yet in the search index (bounded under load by SEARCH_LAG_CAP plus a step). */
  get searchLag(): number {
    return this.indexer.lag;
  }

  /** Indexes up to `maxEntries` more entries now (tests, tools); returns how many. */
  indexSearchStep(maxEntries: number): number {
    return this.indexer.step(maxEntries);
  }

  latestCheckpoint(): CheckpointRow | undefined {
    return this.store.checkpoints.latest();
  }

  /**
   * The checkpoint note to serve as "the latest" (GET /v1/checkpoint, /tlog/checkpoint, default
   * anchors): with a witness policy whose quorum asks for cosignatures, the newest checkpoint that
   * meets it (undefined until one does); otherwise, or with `which: 'signed'`, the newest
   * log-signed one. The note carries every cosignature line held for it.
   */
  checkpointToServe(which: 'witnessed' | 'signed' = 'witnessed'): CheckpointRow | undefined {
    const latest = this.store.checkpoints.latest();
    if (!latest || !this.witnessing) return latest;
    const size = which === 'signed' ? latest.treeSize : this.witnessing.latestWitnessedSize();
    const row = size === undefined ? undefined : size === latest.treeSize ? latest : this.store.checkpoints.at(size);
    return row && { ...row, note: this.witnessing.note(row) };
  }

  /** The signed checkpoint at `treeSize` with the cosignature lines held for it. */
  checkpointAtSize(treeSize: number): CheckpointRow | undefined {
    const row = this.store.checkpoints.at(treeSize);
    return row && { ...row, note: this.servedNote(row) };
  }

  /** A stored checkpoint's note followed by the cosignature lines held for it. */
  servedNote(row: CheckpointRow): string {
    return this.witnessing ? this.witnessing.note(row) : row.note;
  }

  /** True when a witness policy is configured (served notes may change as cosignatures arrive). */
  get witnessed(): boolean {
    return this.witnessing !== undefined;
  }

  /** A period close's witnessed status, when a witness policy is configured. */
  closeWitnessing(closeSize: number): CloseWitnessing | undefined {
    return this.witnessing?.closeStatus(closeSize);
  }

  /** Witnesses' progress for /readyz, when a witness policy is configured. */
  witnessingHealth(): WitnessingHealth | undefined {
    return this.witnessing?.health();
  }

  // Reads and small writes the HTTP routes need, so that no route reaches into the store.

  /** tlog-tiles reads over this ledger's log (tiles.ts). */
  tileService(): TileService {
    return new TileService(this.store);
  }

  /** The stored entry at `index`, or undefined beyond the log. */
  entry(index: number): EntryRow | undefined {
    return this.store.log.entry(index);
  }

  /** The index of the redaction entry that removed entry `index`'s leaf, if one did. */
  redactedBy(index: number): number | undefined {
    return this.store.redactions.redactedBy(index);
  }

  /** Up to `limit` entries matching `filter`, by increasing index. */
  listEntries(filter: EntryFilter, limit: number): EntryRow[] {
    return this.store.log.list(filter, limit);
  }

  /**
   * receivedAt, in epoch ms, of the oldest entry no signed checkpoint covers; undefined when every
   * entry is signed. How long entries have waited for a signature, whatever the last one's age.
   */
  oldestUnsignedMs(): number | undefined {
    const signed = this.store.checkpoints.latest()?.treeSize ?? 0;
    if (signed >= this.sequencer.size) return undefined;
    const row = this.store.log.entry(signed);
    return row ? Date.parse(row.receivedAt) : undefined;
  }

  /** Commits a no-op write: throws when the database cannot commit (readiness). */
  probeWritable(): void {
    // A follower writes nothing: that it can read is what it can promise.
    if (this.roleNow === 'follower') this.store.log.size();
    else this.store.probeWritable();
  }

  /** Where bearer tokens are looked up (by hash). */
  get tokens(): Pick<Store['tokens'], 'findByHash'> {
    return this.store.tokens;
  }

  /** Signs (or returns) the checkpoint at an exact size: used for period closes. */
  checkpointAt(size: number): CheckpointRow {
    if (size > this.sequencer.size) throw new LedgerError('OUT_OF_RANGE', `size ${size} is beyond the log`);
    return this.checkpointer.ensureSigned(size);
  }

  /** Entries may not be stamped before `ms` (a closed period's end). */
  raiseReceivedAtFloor(ms: number): void {
    this.sequencer.raiseFloor(ms);
  }

  key(): KeyInfo {
    return this.keyInfo;
  }

  health(): { signing: 'ok' | 'halted'; haltReason?: string; lastTickError?: string } {
    const halted = this.checkpointer.halted;
    return {
      signing: halted ? 'halted' : 'ok',
      ...(halted ? { haltReason: halted } : {}),
      ...(this.lastTickError ? { lastTickError: this.lastTickError } : {}),
    };
  }

  /** Commits what is queued, signs a final checkpoint, stops the cadence and the indexer. The store stays open. */
  close(): void {
    this.indexer.stop();
    // Stops at once: an answer still in flight is dropped, never written to a closing store.
    void this.witnessing?.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sequencer.close();
    if (this.roleNow === 'leader') this.tick();
  }

  /** The latest stored checkpoint must be a root of the stored tree; otherwise never sign again. */
  private verifyLatestCheckpoint(): void {
    const latest = this.store.checkpoints.latest();
    if (!latest || latest.treeSize === 0) return;
    if (latest.treeSize > this.sequencer.size) {
      this.deps.onError?.(`latest checkpoint (size ${latest.treeSize}) is beyond the stored log (${this.sequencer.size})`);
      this.checkpointer.haltFromOutside(`latest checkpoint size ${latest.treeSize} exceeds stored log size ${this.sequencer.size}`);
      return;
    }
    const root = rootAt(this.deps.crypto, latest.treeSize, this.store.log);
    if (!bytesEqual(root, latest.rootHash)) {
      this.checkpointer.haltFromOutside(`stored tree root at size ${latest.treeSize} differs from the signed checkpoint`);
    }
  }
}

/**
 * The database records the origin and verifier key of the log it holds; a different key or
 * origin would start a second, unrelated log in the same file, so it is refused.
 */
function checkKeyMatchesDatabase(store: Store, signer: SignerKey, record: boolean): KeyInfo {
  const verifierKey = formatVerifierKey(verifierKeyOf(signer));
  const origin = store.meta(META_ORIGIN);
  const recorded = store.meta(META_VERIFIER_KEY);
  if (origin === undefined && recorded === undefined) {
    if (!record) return { origin: signer.name, verifierKey, publicKey: toBase64(signer.publicKey) };
    store.transaction(() => {
      store.setMeta(META_ORIGIN, signer.name);
      store.setMeta(META_VERIFIER_KEY, verifierKey);
    });
  } else if (origin !== signer.name || recorded !== verifierKey) {
    throw new LedgerError(
      'KEY_MISMATCH',
      `this database belongs to log "${origin}" with key ${recorded}; the configured key is ${verifierKey}`,
    );
  }
  return { origin: signer.name, verifierKey, publicKey: toBase64(signer.publicKey) };
}
