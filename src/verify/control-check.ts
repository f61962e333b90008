/**
 * The report part of a report bundle (one with a `control` section): folds the control's history
 * into its chain and count and checks them against the control-heads line of the anchor's signed
 * checkpoint (docs/completeness.md), recomputes the report from the verified entries with the
 * shared rules (src/reports) and compares it with the one served. An entry left out, added or
 * reordered, or a report that differs from the recomputation, fails the bundle.
 */
import type { Crypto } from '../crypto/types.js';
import { toHex } from '../crypto/bytes.js';
import { canonicalJson } from '../evidence/canonical.js';
import type { EntryEnvelope } from '../evidence/index.js';
import { openCheckpoint, type VerifierKey } from '../note/index.js';
import {
  CHAIN_START,
  ReportBuilder,
  SampleSelector,
  extendChain,
  sampleSeed,
  findHeadsLine,
  instantMs,
  verifyCompleteness,
  type ControlReport,
  type Definition,
  type HeadsCommitment,
  type SampleItem,
} from '../reports/index.js';
import type { BundleHead } from './bundle-format.js';
import { messageOf } from './checkpoint.js';
import { checkEntry, type EntryContext, type TrustedTree } from './entry-checks.js';
import { problem, type Problem } from './report.js';

/** What a person is shown about the report: the recomputed one, whether it matched and whether the history is proved complete. */
export interface ControlCheckResult {
  report: ControlReport | null;
  matches: boolean;
  complete: boolean;
  /** The sample re-derived for the nonce asked (closed periods only). */
  sample?: { nonce: string; size: number; seed: string; sample: SampleItem[] };
}

export class ControlCheck {
  private readonly problems: Problem[] = [];
  private builder: ReportBuilder | null = null;
  private commitment: HeadsCommitment | undefined;
  private chain = CHAIN_START;
  private count = 0;
  private unreadable = 0;
  private seed: Uint8Array | undefined;
  private sampler: SampleSelector | undefined;

  constructor(
    private readonly c: Crypto,
    private readonly head: BundleHead,
    key: VerifierKey | null,
    private readonly anchor: TrustedTree | null,
    private readonly bounds: { start: number; end: number } | null,
    ctx: EntryContext,
    private readonly sampleAsked?: { nonce: string; size: number },
  ) {
    const control = head.control!;
    const controlId = head.query.controlId;
    const period = head.period;
    if (controlId === undefined || !period || !bounds || !anchor || !key) {
      this.fail('REPORT_MISMATCH', 'a report bundle needs a period, a controlId and a verified anchor');
      return;
    }
    try {
      this.commitment = findHeadsLine(openCheckpoint(c, head.anchor.checkpoint, [key]).checkpoint.extensions);
    } catch (err) {
      this.fail('INCOMPLETE_HISTORY', `the anchor's control-heads line cannot be read: ${messageOf(err)}`);
    }
    if (!this.commitment) this.fail('INCOMPLETE_HISTORY', 'the anchor checkpoint carries no control-heads line, so the history cannot be proved complete');
    const definition = this.definition(control.definition, ctx, controlId);
    const served = control.report as Partial<ControlReport>;
    let asOfMs = bounds.end;
    if (head.provisional) {
      try {
        asOfMs = instantMs(String(served.asOf));
      } catch {
        this.fail('REPORT_MISMATCH', 'the provisional report has no readable asOf');
      }
      if (asOfMs > bounds.end) this.fail('REPORT_MISMATCH', 'a provisional report cannot be as of a time after the period end');
    }
    if (sampleAsked && !head.provisional) {
      this.seed = sampleSeed(c, period.period, controlId, sampleAsked.nonce, toHex(anchor.root));
      this.sampler = new SampleSelector(c, this.seed, sampleAsked.size);
    }
    this.builder = new ReportBuilder(
      {
        period: period.period,
        controlId,
        provisional: head.provisional === true,
        startMs: bounds.start,
        asOfMs,
        anchor: { treeSize: anchor.treeSize, rootHash: toHex(anchor.root) },
        firstIndex: period.firstIndex,
      },
      definition,
    );
  }

  private definition(raw: unknown, ctx: EntryContext, controlId: string): Definition | null {
    if (raw === null) return null;
    const checked = checkEntry({ ...ctx, period: null }, raw, this.anchor, 'control.definition');
    for (const p of checked.verdict.problems) this.fail('REPORT_MISMATCH', `control.definition: ${p.message}`);
    const r = checked.envelope?.record;
    if (!r || r.type !== 'control' || r.controlId !== controlId) {
      this.fail('REPORT_MISMATCH', `control.definition is not a control record of ${controlId}`);
      return null;
    }
    return { index: checked.envelope!.index, tests: r.tests };
  }

  private fail(code: 'REPORT_MISMATCH' | 'INCOMPLETE_HISTORY', message: string): void {
    this.problems.push(problem(code, message));
  }

  /** The next entry of the bundle (in bundle order), as the entry checks left it. */
  entry(index: number | null, leafHash: Uint8Array | null, envelope: EntryEnvelope | null): void {
    if (index === null || leafHash === null) {
      this.unreadable++;
      return;
    }
    // The boundary entries pin firstIndex; this keeps every entry shown on its side of the start.
    const b = this.bounds;
    const at = envelope ? instantMs(envelope.receivedAt) : null;
    if (b && at !== null && this.head.period && (index >= this.head.period.firstIndex) !== at >= b.start) {
      this.problems.push(problem('OUTSIDE_PERIOD', `entry ${index} was received at ${envelope!.receivedAt}, on the wrong side of the period start for its index`));
    }
    if (this.sampler && this.head.period && index >= this.head.period.firstIndex && envelope?.record.type !== 'control') {
      this.sampler.add({ index, leafHash: toHex(leafHash) });
    }
    this.chain = extendChain(this.c, this.chain, leafHash);
    this.count++;
    if (!this.builder) return;
    try {
      this.builder.add({ index, leafHash: toHex(leafHash), receivedAt: envelope?.receivedAt ?? null, record: envelope?.record ?? null });
    } catch (err) {
      this.fail('REPORT_MISMATCH', `entry ${index}: ${messageOf(err)}`);
      this.builder = null;
    }
  }

  finish(): { problems: Problem[]; result: ControlCheckResult } {
    const controlId = this.head.query.controlId ?? '';
    let complete = false;
    if (this.commitment && this.unreadable === 0) {
      const verdict = verifyCompleteness(this.c, this.head.control!.completeness, this.commitment, controlId, { count: this.count, chain: this.chain });
      if (verdict.ok) complete = true;
      else this.fail('INCOMPLETE_HISTORY', verdict.reason);
    } else if (this.unreadable > 0) {
      this.fail('INCOMPLETE_HISTORY', `${this.unreadable} entries could not be read, so the history cannot be checked`);
    }
    let report: ControlReport | null = null;
    let matches = false;
    if (this.builder) {
      try {
        report = this.builder.finish();
      } catch (err) {
        this.fail('REPORT_MISMATCH', messageOf(err));
      }
    }
    if (report) {
      matches = canonicalJson(report) === canonicalJson(this.head.control!.report);
      if (!matches) this.fail('REPORT_MISMATCH', `the served report differs from the one recomputed from the entries (${differences(report, this.head.control!.report)})`);
    }
    const result: ControlCheckResult = { report, matches, complete };
    if (this.sampleAsked && this.head.provisional) this.fail('REPORT_MISMATCH', 'a sample is drawn only from a closed period');
    if (this.sampler && this.seed) result.sample = { ...this.sampleAsked!, seed: toHex(this.seed), sample: this.sampler.result() };
    return { problems: this.problems, result };
  }
}

/** The top-level members that differ, for the message. */
function differences(mine: ControlReport, served: Record<string, unknown>): string {
  const keys = new Set([...Object.keys(mine), ...Object.keys(served)]);
  const differ = [...keys].filter((k) => canonicalJson((mine as unknown as Record<string, unknown>)[k] ?? null) !== canonicalJson(served[k] ?? null));
  return `differs in ${differ.join(', ') || 'layout'}`;
}
