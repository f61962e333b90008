/**
 * Control reports, samples and monitoring from the store (contract, "Control reports"). The rules
 * are src/reports (pure, shared with the verifiers); this reads a control's history a page at a
 * time in index order and works through it in slices on the shared work lane (work-lane.ts), so
 * a long history neither fills memory nor stalls appends.
 */
import type { Crypto } from '../crypto/types.js';
import { nodeCrypto } from '../crypto/node.js';
import { toHex } from '../crypto/bytes.js';
import { decodeLeaf, formatTimestamp, type EntryEnvelope, type Period } from '../evidence/index.js';
import {
  ReportBuilder,
  SampleSelector,
  sampleSeed,
  type ControlReport,
  type ControlSummary,
  type Definition,
  type PeriodReportSummary,
  type ReportEntry,
  type ReportScope,
  type Sample,
} from '../reports/index.js';
import type { EntryFilter, EntryRow, Store } from '../store/index.js';
import { controlHeadsAt } from './control-heads.js';
import { LedgerError } from './errors.js';
import type { Ledger } from './ledger.js';
import { periodAnchor, type PeriodAnchor } from './period-anchor.js';
import { forEachInSlices } from './work-lane.js';

const PAGE = 256;

/**
 * An entry as the rules read it. Hook for redaction (issue 11): a row whose leaf bytes were
 * removed becomes a hash-only entry (record null), counted under byType.redacted, read by no rule.
 */
export function reportEntryOf(row: EntryRow): ReportEntry {
  const leafHash = toHex(row.leafHash);
  if (row.leaf.length === 0) return { index: row.index, leafHash, receivedAt: null, record: null };
  // The ledger's own leaves, validated when written and re-checked by the audit: a plain parse
  // (decodeLeaf's schema pass cost about 3x the whole report). Verifiers decode strictly.
  const envelope = JSON.parse(utf8Decoder.decode(row.leaf)) as EntryEnvelope;
  return { index: row.index, leafHash, receivedAt: row.receivedAt, record: envelope.record };
}

const utf8Decoder = new TextDecoder();

/** Rows matching `filter` in [from, beforeIndex), one per yield in index order, read a page at a time. */
export function* rowsOf(store: Store, filter: EntryFilter, from: number, beforeIndex: number): Generator<EntryRow> {
  let after = from - 1;
  for (;;) {
    const rows = store.log.list({ ...filter, afterIndex: after, beforeIndex }, PAGE);
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.index;
  }
}

/**
 * Calls `fn` on each of those rows in slices on the shared work lane: a history is as long as
 * the log, and several reports at once still take one slice per event-loop turn between them.
 */
export function eachRow(store: Store, filter: EntryFilter, from: number, beforeIndex: number, fn: (row: EntryRow) => void, sliceMs?: number): Promise<void> {
  return forEachInSlices(rowsOf(store, filter, from, beforeIndex), fn, sliceMs);
}

export function scopeOf(anchor: PeriodAnchor, controlId: string): ReportScope {
  return {
    period: anchor.period.id,
    controlId,
    provisional: anchor.provisional,
    startMs: anchor.period.start,
    asOfMs: anchor.asOfMs,
    anchor: { treeSize: anchor.checkpoint.treeSize, rootHash: toHex(anchor.checkpoint.rootHash) },
    firstIndex: anchor.firstIndex,
  };
}

export class ReportService {
  constructor(
    private readonly ledger: Ledger,
    private readonly c: Crypto = nodeCrypto,
  ) {}

  anchor(period: Period): PeriodAnchor {
    return periodAnchor(this.ledger, period);
  }

  /** The definition in force: the control's `control` entry with the greatest index in the history. */
  async definition(scope: ReportScope): Promise<{ definition: Definition | null; row: EntryRow | null }> {
    let found = null as EntryRow | null; // set in a callback, which narrowing does not follow
    const asOf = formatTimestamp(scope.asOfMs);
    await eachRow(this.ledger.store, { controlId: scope.controlId, type: 'control' }, 0, scope.anchor.treeSize, (row) => {
      if (row.receivedAt < asOf) found = row;
    });
    if (!found) return { definition: null, row: null };
    const record = decodeLeaf(found.leaf).record;
    if (record.type !== 'control') throw new Error(`entry ${found.index} is listed as a control definition but is a ${record.type}`);
    return { definition: { index: found.index, tests: record.tests }, row: found };
  }

  async report(anchor: PeriodAnchor, controlId: string): Promise<{ report: ControlReport; historySize: number; definitionRow: EntryRow | null }> {
    const scope = scopeOf(anchor, controlId);
    const { definition, row } = await this.definition(scope);
    const builder = new ReportBuilder(scope, definition);
    await eachRow(this.ledger.store, { controlId }, 0, scope.anchor.treeSize, (r) => builder.add(reportEntryOf(r)));
    return { report: builder.finish(), historySize: builder.historySize, definitionRow: row };
  }

  /** One row per control with a definition or evidence in the history, by controlId. */
  async summary(anchor: PeriodAnchor): Promise<PeriodReportSummary> {
    const ids = controlHeadsAt(this.c, this.ledger.store, anchor.checkpoint.treeSize).heads.map((h) => h.controlId);
    const controls: ControlSummary[] = [];
    for (const controlId of ids) {
      const { report, historySize } = await this.report(anchor, controlId);
      if (historySize === 0) continue;
      const { definition, population, exceptions, result } = report;
      controls.push({ controlId, definition, population: population.count, exceptions: exceptions.length, result });
    }
    const scope = scopeOf(anchor, '');
    return { period: scope.period, provisional: scope.provisional, asOf: formatTimestamp(scope.asOfMs), anchor: scope.anchor, controls };
  }

  /** The contract's sample; 409 while the period is open (the seed needs the close's root). */
  async sample(anchor: PeriodAnchor, controlId: string, size: number, nonce: string): Promise<Sample> {
    if (anchor.provisional) throw new LedgerError('PERIOD_OPEN', `${anchor.period.id} is not closed: a sample is drawn from its close`, 'period');
    const scope = scopeOf(anchor, controlId);
    const seed = sampleSeed(this.c, scope.period, controlId, nonce, scope.anchor.rootHash);
    const selector = new SampleSelector(this.c, seed, size);
    await eachRow(this.ledger.store, { controlId }, scope.firstIndex, scope.anchor.treeSize, (r) => {
      if (r.type !== 'control') selector.add({ index: r.index, leafHash: toHex(r.leafHash) });
    });
    return { period: scope.period, controlId, nonce, size, anchor: scope.anchor, seed: toHex(seed), sample: selector.result() };
  }
}
