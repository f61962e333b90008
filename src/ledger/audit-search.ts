/**
 * The audit's search index checks (migration 004). A search row deleted or changed behind the
 * service's back would silently hide an entry from listings and from period bundles, so every
 * entry below the indexer's progress must have its row for every field, holding its stored
 * column (the entry checks hold the columns to the leaf); no other rows may exist; and no
 * progress row may claim more entries than the log holds. Point lookups during the one pass,
 * read ahead 512 entries per statement (rows for one value are adjacent, so they stay cached),
 * then one count at the end.
 */
import { toHex } from '../crypto/bytes.js';
import { SEARCH_FIELDS, SEARCH_FIELD_NAMES, searchValues, type EntryRow, type SearchValue, type Store } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

/** The mask SearchStore.presentRows answers when every row of an entry is there. */
const ALL_ROWS = (1 << SEARCH_FIELD_NAMES.length) - 1;

/** Entries whose search rows are looked up per statement. */
const READ_AHEAD_ENTRIES = 512;

const show = (v: SearchValue): string => (typeof v === 'string' ? JSON.stringify(v) : toHex(v));

export class SearchIndexChecker {
  /** Entries [0, through) claim to be indexed: the largest progress row. */
  readonly through: number;
  #entriesChecked = 0;
  #rowsMissing = 0;
  #ahead: { from: number; to: number; masks: Map<number, number> } | undefined;

  constructor(
    private readonly store: Store,
    private readonly findings: FindingLog,
  ) {
    this.through = store.search.indexedThrough();
  }

  /** Entries whose search rows were looked up. */
  get entriesChecked(): number {
    return this.#entriesChecked;
  }

  /** One stored entry, in the audit's pass over the log. */
  check(row: EntryRow): void {
    const { index } = row;
    if (!this.store.search.available || index < 0 || index >= this.through) return;
    this.#entriesChecked++;
    const values = searchValues(row);
    const present = this.presentRows(index);
    if (present === ALL_ROWS) return;
    for (const field of SEARCH_FIELD_NAMES) {
      if (present & (1 << SEARCH_FIELDS[field])) continue;
      this.#rowsMissing++;
      this.findings.add({
        code: 'SEARCH_INDEX_MISMATCH',
        index,
        message: `entry ${index}: the search index has no ${field} row for ${show(values[field])} (missing or changed); listings by ${field} would skip this entry`,
      });
    }
  }

  /**
   * Which of entry `index`'s rows exist, checked against its stored columns (searchValues), from
   * a window read ahead in one statement: one statement per entry is a round trip per entry on
   * PostgreSQL. An entry the window does not hold (a gap in the log) has no rows to find.
   */
  private presentRows(index: number): number {
    if (!this.#ahead || index < this.#ahead.from || index >= this.#ahead.to) {
      const to = Math.min(index + READ_AHEAD_ENTRIES, this.through);
      this.#ahead = { from: index, to, masks: this.store.search.presentRowsIn(index, to) };
    }
    return this.#ahead.masks.get(index) ?? 0;
  }

  /** After the pass: progress rows beyond the log, and rows no indexed entry owns. */
  finish(logSize: number): void {
    if (!this.store.search.available) return;
    for (const through of this.store.search.batchesOutside(logSize)) {
      this.findings.add({
        code: 'SEARCH_BATCH_BEYOND_LOG',
        treeSize: Number(through),
        message: `a search index progress row claims entries up to ${String(through)} are indexed, but the log holds ${logSize}`,
      });
    }
    // Each row found above is one distinct primary key; whatever else is counted was planted.
    const owned = SEARCH_FIELD_NAMES.length * this.#entriesChecked - this.#rowsMissing;
    const extra = this.store.search.rowCount() - owned;
    if (extra <= 0) return;
    let named = 0;
    for (const row of this.store.search.rowsOutside(Math.min(this.through, logSize))) {
      if (named === extra) break;
      named++;
      this.findings.add({
        code: 'SEARCH_INDEX_EXTRA',
        ...(typeof row.idx === 'number' && Number.isSafeInteger(row.idx) ? { index: row.idx } : {}),
        message: `a search row (field ${String(row.field)}, entry ${String(row.idx)}) that no indexed entry owns`,
      });
    }
    if (named < extra) {
      this.findings.add({
        code: 'SEARCH_INDEX_EXTRA',
        message: `${extra - named} search row(s) beyond one per field of each indexed entry that no indexed entry owns (a value changed or planted)`,
      });
    }
  }
}
