/**
 * Where an answer about a period is anchored. A closed period: its close checkpoint, `asOf` = its
 * end. A period still open (contract version 1.1): the latest signed checkpoint, `asOf` = now,
 * marked provisional, so that a control owner can watch it before the close and no verifier can
 * take it for one. A period that has ended but whose close is not signed yet (at most one
 * checkpoint interval) still answers 409, and one that ended before the first entry 404, as the
 * periods API decides.
 */
import { formatTimestamp, type Period } from '../evidence/index.js';
import type { CheckpointRow } from '../store/index.js';
import { LedgerError } from './errors.js';
import type { Ledger } from './ledger.js';
import type { PeriodCloseView } from './period-closer.js';

export interface PeriodAnchor {
  period: Period;
  provisional: boolean;
  checkpoint: CheckpointRow;
  /** Epoch ms: the period's end once closed, else the time of the answer (before the end). */
  asOfMs: number;
  /** Index of the first entry received at or after the period's start. */
  firstIndex: number;
}

/**
 * `field` is the request's name for the period, for the 404/409 problems: `period` (bundles,
 * reports, samples) unless the caller says otherwise (`id` in `GET /v1/periods/{id}`).
 */
export function periodAnchor(ledger: Ledger, period: Period, field = 'period'): PeriodAnchor {
  const store = ledger.store;
  const close = store.periods.get(period.id);
  if (close) {
    // As served: with the cosignature lines the ledger holds for it (witnesses).
    const checkpoint = ledger.checkpointAtSize(close.treeSize);
    if (!checkpoint) throw new Error(`the close of ${close.periodId} names checkpoint ${close.treeSize}, which is not stored`);
    return { period, provisional: false, checkpoint, asOfMs: period.end, firstIndex: store.log.countReceivedBefore(close.start) };
  }
  const now = ledger.clock();
  let open: LedgerError | undefined;
  try {
    ledger.periods.view(period); // throws: 404 before the first entry, 409 while not closed
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    const named = err.field === undefined || err.field === field ? err : new LedgerError(err.code, err.message, field, { cause: err });
    if (!(named.code === 'PERIOD_OPEN' && period.end > now)) throw named;
    open = named;
  }
  // The latest checkpoint as served: with witnesses, the newest one with the quorum, else the newest signed.
  const latest = ledger.checkpointToServe() ?? ledger.checkpointToServe('signed');
  // Nothing signed yet to anchor at: still the 409 of an open period.
  if (!latest) throw open ?? new LedgerError('NO_CHECKPOINT', 'no checkpoint has been signed yet; retry in a moment');
  const firstIndex = Math.min(store.log.countReceivedBefore(formatTimestamp(period.start)), latest.treeSize);
  return { period, provisional: true, checkpoint: latest, asOfMs: Math.min(now, period.end), firstIndex };
}

/** `GET /v1/periods/{id}`: the close, or while open the provisional view (contract version 1.1). */
export function periodView(ledger: Ledger, period: Period): PeriodCloseView & { provisional?: true } {
  const anchor = periodAnchor(ledger, period, 'id');
  if (!anchor.provisional) return ledger.periods.view(period);
  const treeSize = anchor.checkpoint.treeSize;
  const prev = ledger.store.periods.latestOfKind(period.kind, formatTimestamp(period.end));
  return {
    period: period.id,
    start: formatTimestamp(period.start),
    end: formatTimestamp(period.end),
    treeSize,
    checkpoint: anchor.checkpoint.note,
    previous:
      prev && prev.treeSize <= treeSize
        ? { period: prev.periodId, treeSize: prev.treeSize, consistency: ledger.proofs.consistency(prev.treeSize, treeSize).proof }
        : null,
    provisional: true,
  };
}
