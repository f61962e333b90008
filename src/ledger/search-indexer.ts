/**
 * Keeps the search index (entry_search, migration 004) behind the log, so appends write no
 * secondary index. Each step indexes the next chunk of entries in one durable transaction, rows
 * inserted in key order (SearchStore.indexRange). Steps run when the sequencer has nothing
 * queued, one per event-loop turn so appends are never starved, and also while it is busy once
 * the lag passes a cap, so the tail that listings must scan stays bounded under sustained load.
 * A failing step is reported and retried later: it never touches appends.
 */
import { SEARCH_FIELD_NAMES, type Store } from '../store/index.js';

/** Entries per step: large enough to amortise a commit, small enough to pause appends only briefly. */
export const SEARCH_STEP_ENTRIES = 4096;
/** Past this many unindexed entries a step runs even while appends are queued. */
export const SEARCH_LAG_CAP = 20_000;
/** After a failed step (disk full, a lock held elsewhere), wait this long before trying again. */
export const SEARCH_RETRY_MS = 1000;
/**
 * Fewer than a step's worth of unindexed entries wait this long before a (partial) step: each step
 * is a durable commit, and one after every group commit of a busy HTTP load would double the fsyncs.
 */
export const SEARCH_PARTIAL_STEP_DELAY_MS = 100;

export interface SearchIndexerSettings {
  stepEntries: number;
  lagCap: number;
  retryMs: number;
  partialStepDelayMs: number;
}

export interface SearchIndexerDeps {
  store: Store;
  /** Committed entries: the log's size. */
  size: () => number;
  /** Whether appends are waiting (the sequencer has records queued). */
  busy: () => boolean;
  onError?: (message: string, err?: unknown) => void;
  settings?: Partial<SearchIndexerSettings>;
}

export class SearchIndexer {
  readonly settings: SearchIndexerSettings;
  #through: number;
  #running = false;
  #immediate: NodeJS.Immediate | undefined;
  #partial: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #steppedThisTurn = false;

  constructor(private readonly deps: SearchIndexerDeps) {
    this.settings = {
      stepEntries: SEARCH_STEP_ENTRIES,
      lagCap: SEARCH_LAG_CAP,
      retryMs: SEARCH_RETRY_MS,
      partialStepDelayMs: SEARCH_PARTIAL_STEP_DELAY_MS,
      ...deps.settings,
    };
    this.#through = deps.store.search.indexedThrough();
  }

  /** Entries [0, indexedThrough) are in the search index. */
  get indexedThrough(): number {
    return this.#through;
  }

  /** Entries committed but not yet indexed: what a listing scans. */
  get lag(): number {
    return Math.max(0, this.deps.size() - this.#through);
  }

  /**
   * Indexes up to `maxEntries` entries after the indexed ones in one IMMEDIATE transaction;
   * returns how many. Throws (a StoreError) when the store cannot commit; nothing is then written.
   */
  step(maxEntries: number): number {
    const { store } = this.deps;
    const from = this.#through;
    const to = Math.min(from + maxEntries, this.deps.size());
    if (to <= from) return 0;
    store.transaction(() => {
      const written = store.search.indexRange(from, to);
      // Entries are dense by trigger; a gap would be a damaged log, never indexed past.
      if (written !== (to - from) * SEARCH_FIELD_NAMES.length) {
        throw new Error(`search indexer: entries ${from}..${to - 1} are not all there (${written} search rows built)`);
      }
    });
    this.#through = to;
    return to - from;
  }

  /** Takes its progress from the store again (a follower, whose leader indexes; a follower just promoted). */
  resync(): void {
    this.#through = this.deps.store.search.indexedThrough();
  }

  /** Starts indexing in the background (catching up on whatever the log holds already). */
  start(): void {
    this.#running = true;
    this.poke();
  }

  stop(): void {
    this.#running = false;
    if (this.#immediate) clearImmediate(this.#immediate);
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#partial) clearTimeout(this.#partial);
    this.#immediate = undefined;
    this.#retry = undefined;
    this.#partial = undefined;
  }

  /**
   * Entries were committed (or time passed). Over the lag cap, indexes at once, whatever is
   * queued; otherwise leaves it to the next idle turn.
   */
  poke(): void {
    if (!this.#running || this.#retry) return;
    // Every settled append pokes; over the cap, one step per event-loop turn, however many
    // appends a group commit settled (each step is a chunk and a durable commit).
    if (this.lag > this.settings.lagCap && !this.#steppedThisTurn) {
      this.#steppedThisTurn = true;
      setImmediate(() => (this.#steppedThisTurn = false)).unref();
      if (!this.tryStep()) return;
    }
    this.schedule();
  }

  /** A full step on the next turn; a partial one after a short delay (not reset by later appends). */
  private schedule(): void {
    const lag = this.lag;
    if (this.#immediate || lag === 0) return;
    if (lag >= this.settings.stepEntries) {
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        this.runIdleStep();
      });
      this.#immediate.unref();
    } else if (!this.#partial) {
      this.#partial = setTimeout(() => {
        this.#partial = undefined;
        this.runIdleStep();
      }, this.settings.partialStepDelayMs);
      this.#partial.unref();
    }
  }

  /** One step if appends are not waiting (or the lag is over the cap), then yield and go on. */
  private runIdleStep(): void {
    if (!this.#running || this.#retry || this.lag === 0) return;
    // Appends first: the commit that empties the queue pokes again.
    if (this.deps.busy() && this.lag <= this.settings.lagCap) return;
    if (this.tryStep()) this.schedule();
  }

  private tryStep(): boolean {
    try {
      this.step(this.settings.stepEntries);
      return true;
    } catch (err) {
      this.deps.onError?.(`search index step failed at entry ${this.#through}; retrying in ${this.settings.retryMs} ms`, err);
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.poke();
      }, this.settings.retryMs);
      this.#retry.unref();
      return false;
    }
  }
}
