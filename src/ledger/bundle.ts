/**
 * Produces evidence bundles (format in src/verify/bundle-format.ts) for `GET /v1/bundles`:
 * the matching entries with their leaf bytes and inclusion proofs against the anchor (the
 * period close, or the latest checkpoint), both signed checkpoints, the consistency proof
 * between them and, for a period, the two boundary entries that pin its range.
 *
 * `planBundle` does every check and every read that can fail with a clean error before a
 * byte is sent; `bundleChunks` then streams the JSON text, head first, an entry at a
 * time, so memory stays flat however many entries match.
 */
import type { Crypto } from '../crypto/types.js';
import { nodeCrypto } from '../crypto/node.js';
import { formatTimestamp, type Period } from '../evidence/index.js';
import type { EntryFilter, Store } from '../store/index.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleEntry, type BundleHead, type BundleQuery } from '../verify/bundle-format.js';
import { bundleEntries, bundleEntry, CachingNodeReader } from './bundle-entries.js';
import { LedgerError } from './errors.js';
import type { Ledger } from './ledger.js';
import { periodAnchor, type PeriodAnchor } from './period-anchor.js';

export interface BundlePlan {
  head: BundleHead;
  /** Where a period's bundle is anchored (its close, or provisionally the latest checkpoint). */
  periodAnchor?: PeriodAnchor;
  filter: EntryFilter;
  /** Entries [from, anchor.treeSize) that match `filter` go in. */
  from: number;
}

/**
 * Checks and fixes everything a bundle needs. `period` is the parsed `query.period` (the route
 * parses it, so a malformed id is a 400 there). Throws LedgerError: NO_CHECKPOINT before the
 * first signature, and for a period PERIOD_OPEN (409) or NOT_FOUND (404) as the periods API does.
 */
export function planBundle(ledger: Ledger, query: BundleQuery, period?: Period, c: Crypto = nodeCrypto): BundlePlan {
  const store = ledger.store;
  // With witnesses: the newest quorum checkpoint, else the newest signed (a verifier with the
  // policy then refuses the bundle, naming the missing witnesses).
  const latest = ledger.checkpointToServe() ?? ledger.checkpointToServe('signed');
  if (!latest) throw new LedgerError('NO_CHECKPOINT', 'no checkpoint has been signed yet; retry in a moment');
  const fiscalYearStart = ledger.settings.fiscalYearStart;
  const key = ledger.key();
  const filter = recordFilter(query);

  let anchor = { treeSize: latest.treeSize, checkpoint: latest.note };
  let bundlePeriod: BundleHead['period'] = null;
  let from = 0;
  let anchored: PeriodAnchor | undefined;
  let latestRef = { treeSize: latest.treeSize, checkpoint: latest.note };
  if (period) {
    // 409 (ended, close not signed yet) and 404 (ended before the first entry) as the periods API
    // decides; an open period is anchored provisionally at the latest checkpoint (version 1.1).
    anchored = periodAnchor(ledger, period);
    const close = { period: period.id, start: formatTimestamp(period.start), end: formatTimestamp(period.end), treeSize: anchored.checkpoint.treeSize };
    anchor = { treeSize: close.treeSize, checkpoint: anchored.checkpoint.note };
    if (anchored.provisional) {
      // Provisional: the anchor is also the latest, so no entry after it is shown as "after the end".
      latestRef = anchor;
    } else if (latestRef.treeSize < close.treeSize) {
      // A close newer than the newest witnessed checkpoint: the close is the latest too.
      const row = ledger.checkpointAtSize(close.treeSize);
      if (row) latestRef = { treeSize: row.treeSize, checkpoint: row.note };
    }
    from = anchored.firstIndex;
    const reader = new CachingNodeReader(store.log);
    const proved = (index: number, treeSize: number): BundleEntry | null => {
      const row = store.log.entry(index);
      if (!row) throw new Error(`couldn't read entry ${index} for a bundle boundary`);
      return bundleEntry(c, row, treeSize, reader, fiscalYearStart, (i) => store.redactions.redactedBy(i));
    };
    bundlePeriod = {
      period: close.period,
      start: close.start,
      end: close.end,
      treeSize: close.treeSize,
      firstIndex: from,
      before: from > 0 ? proved(from - 1, close.treeSize) : null,
      after: latestRef.treeSize > close.treeSize ? proved(close.treeSize, latestRef.treeSize) : null,
    };
  }
  // RFC 9162 §2.1.4: nothing to prove between equal trees, or from the empty one.
  const consistency =
    anchor.treeSize === 0 || anchor.treeSize === latestRef.treeSize
      ? []
      : ledger.proofs.consistency(anchor.treeSize, latestRef.treeSize).proof;

  const head: BundleHead = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    generatedAt: formatTimestamp(ledger.clock()),
    origin: key.origin,
    verifierKey: key.verifierKey,
    fiscalYearStart,
    query,
    period: bundlePeriod,
    anchor,
    latest: latestRef,
    consistency: { from: anchor.treeSize, to: latestRef.treeSize, proof: consistency },
  };
  if (anchored?.provisional) head.provisional = true;
  return anchored ? { head, filter, from, periodAnchor: anchored } : { head, filter, from };
}

/**
 * The bundle's JSON text in chunks: the head, then one chunk per entry, one entry per line (so
 * a reader can also take it line by line), then the closing brackets. One entry per chunk, so
 * a consumer in slices (src/ledger/work-lane.ts) keeps its budget; sendLongRead joins a slice's
 * chunks before writing.
 */
export function* bundleChunks(store: Store, plan: BundlePlan, c: Crypto = nodeCrypto): Generator<string> {
  const head = JSON.stringify(plan.head);
  yield `${head.slice(0, -1)},"entries":[\n`;
  const range = { filter: plan.filter, from: plan.from, treeSize: plan.head.anchor.treeSize, redactedBy: (i: number) => store.redactions.redactedBy(i) };
  let first = true;
  for (const entry of bundleEntries(c, store.log, range, plan.head.fiscalYearStart)) {
    yield first ? JSON.stringify(entry) : `,\n${JSON.stringify(entry)}`;
    first = false;
  }
  yield '\n]}\n';
}

/** {@link bundleChunks} of the ledger's own log: what the route streams, without touching the store. */
export function bundleText(ledger: Ledger, plan: BundlePlan): Generator<string> {
  return bundleChunks(ledger.store, plan);
}

function recordFilter(query: BundleQuery): EntryFilter {
  const filter: EntryFilter = {};
  if (query.controlId !== undefined) filter.controlId = query.controlId;
  if (query.system !== undefined) filter.system = query.system;
  if (query.actor !== undefined) filter.actorId = query.actor;
  if (query.subject !== undefined) filter.subjectId = query.subject;
  return filter;
}
