/**
 * Verifies an evidence bundle (format version 1) one entry at a time, so a reader can stream
 * a large bundle without holding it: construct with the bundle's head, call `entry` for each
 * entry in order, then `finish`. Never throws.
 *
 * What absence can be detected. Every entry proves its own inclusion, and the `prev` hash chain
 * is checked wherever two consecutive indexes are both present. A bundle without record filters
 * (no controlId, system, actor or subject) must hold every index of its range, from 0 or from
 * the period's first index (authenticated by the boundary entry before it, received before the
 * start) up to the anchor size (authenticated by the signature, and for a period by the boundary
 * entry after it, received at or after the end): any missing entry is MISSING_ENTRY. With record
 * filters, the indexes in between belong to other evidence, so an entry left out by the producer
 * cannot be told from one that never matched: the auditor learns only that everything shown is
 * genuine, in the log at the anchor, and unaltered.
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import { toHex } from '../crypto/bytes.js';
import type { VerifierKey, WitnessPolicy } from '../note/index.js';
import { ZERO_HASH_HEX, type EvidenceRecord } from '../evidence/index.js';
import { hasRecordFilters, type BundleHead } from './bundle-format.js';
import { checkHead, type CheckedHead } from './bundle-head.js';
import { ControlCheck } from './control-check.js';
import { checkEntry, type CheckedEntry, type EntryContext } from './entry-checks.js';
import { SignatureTracker } from './signatures.js';
import { problem, type BundleReport, type EntryVerdict, type Problem, type TreeHead } from './report.js';

export interface VerifyOptions {
  /** The fiscal year's first month as the auditor knows it; default: the bundle's. */
  fiscalYearStart?: number;
  /** A C2SP tlog-policy: the anchor checkpoint must carry its quorum of cosignatures. */
  policy?: WitnessPolicy;
  /** Report bundles of a closed period: re-derive the contract's sample for this nonce and size. */
  sample?: { nonce: string; size: number };
}

/** The last entry seen, for the chain, order and time checks of the next one. */
interface Linked {
  index: number;
  leafHash: Uint8Array | null;
  receivedAtMs: number | null;
}

export class BundleVerifier {
  private readonly checked: CheckedHead;
  private readonly problems: Problem[];
  private ctx: EntryContext;
  private readonly complete: boolean;
  private readonly control: ControlCheck | undefined;
  private previous: Linked | null = null;
  private expectedNext = 0;
  private after: CheckedEntry | null = null;
  private count = 0;
  private failures = 0;
  private late = 0;
  private readonly signatures: SignatureTracker;
  /** The record of the entry `entry` last checked, when it verified (for a person's summary). */
  lastVerifiedRecord: EvidenceRecord | null = null;
  private readonly records = new Map<string, number>();
  private redacted = 0;

  /** Checks everything but `entries` of `bundle` (which may hold them; they are not read here). */
  constructor(
    private readonly c: Crypto = nobleCrypto,
    bundle: unknown,
    verifierKey: string | VerifierKey,
    options: VerifyOptions = {},
  ) {
    this.checked = checkHead(c, bundle, verifierKey, options.fiscalYearStart, options.policy);
    this.signatures = new SignatureTracker(c);
    this.problems = this.checked.problems;
    const head = this.checked.head;
    this.ctx = { c, fiscalYearStart: this.checked.fiscalYearStart, query: head?.query ?? {}, period: this.checked.periodBounds };
    this.complete = head !== null && !hasRecordFilters(head.query);
    if (head?.control) {
      // A report bundle holds the control's whole history, so its entries may precede the period.
      this.control = new ControlCheck(c, head, this.checked.key, this.checked.anchor, this.checked.periodBounds, this.ctx, options.sample);
      this.ctx = { ...this.ctx, period: null };
    }
    if (head?.period) this.expectedNext = head.period.firstIndex;
    if (head) this.checkBoundaries(head);
    // A report bundle's entries start at the control's first entry, not after period.before.
    if (this.control) this.previous = null;
  }

  /** Records a bundle-level problem found by the reader (e.g. `entries` is not an array). */
  fail(p: Problem): void {
    this.problems.push(p);
  }

  /** Checks the next entry, in bundle order. */
  entry(raw: unknown): EntryVerdict {
    const checked = checkEntry(this.ctx, raw, this.checked.anchor);
    const { verdict } = checked;
    if (verdict.index !== null) this.checkSequence(checked, verdict.index);
    if (checked.envelope) verdict.problems.push(...this.signatures.observe(checked.envelope));
    this.control?.entry(verdict.index, checked.leafHash, checked.envelope);
    verdict.ok = verdict.problems.length === 0;
    this.count++;
    if (!verdict.ok) this.failures++;
    if (verdict.late) this.late++;
    this.lastVerifiedRecord = verdict.ok && checked.envelope ? checked.envelope.record : null;
    if (this.lastVerifiedRecord) {
      const type = this.lastVerifiedRecord.type;
      this.records.set(type, (this.records.get(type) ?? 0) + 1);
    }
    if (verdict.redacted) this.redacted++;
    return verdict;
  }

  /** Bundle-level problems and the summary, once every entry went through `entry`. */
  finish(): Omit<BundleReport, 'entries'> {
    const anchor = this.checked.anchor;
    if (this.complete && anchor && this.expectedNext < anchor.treeSize) {
      this.fail(problem('MISSING_ENTRY', `entries ${this.expectedNext} to ${anchor.treeSize - 1} are missing at the end`));
    }
    const after = this.after;
    if (after?.envelope && this.previous?.index === after.envelope.index - 1) {
      const expected = this.previous.leafHash ? toHex(this.previous.leafHash) : null;
      if (expected !== null && after.envelope.prev !== expected) {
        this.fail(problem('BAD_BOUNDARY', `period.after: prev ${after.envelope.prev} is not the leaf hash of entry ${this.previous.index}`));
      }
    }
    const control = this.control?.finish();
    if (control) this.problems.push(...control.problems);
    const ok = this.problems.length === 0 && this.failures === 0 && this.checked.head !== null;
    const head = this.checked.head;
    return {
      ok,
      problems: this.problems,
      summary: {
        ok,
        entries: this.count,
        failures: this.failures,
        late: this.late,
        records: Object.fromEntries([...this.records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        redacted: this.redacted,
        anchor: treeHead(this.checked.anchor),
        latest: treeHead(this.checked.latest),
        period: head?.period?.period ?? null,
        query: { ...(head?.query ?? {}) } as Record<string, string>,
        complete: this.complete || control?.result.complete === true,
        signatures: { ...this.signatures.counts },
        ...(head?.provisional ? { provisional: true } : {}),
        ...(control ? { control: control.result } : {}),
      },
    };
  }

  private checkSequence(checked: CheckedEntry, index: number): void {
    const { verdict, envelope } = checked;
    // An entry that failed its own checks (an edited record) is reported once, there: its
    // recomputed leaf hash is not the log's, so the next entry's prev, which is, must not be
    // compared with it (that second failure would have the same cause).
    const selfOk = verdict.problems.length === 0;
    const prev = this.previous;
    if (prev && index <= prev.index) {
      verdict.problems.push(problem('OUT_OF_ORDER', `index ${index} does not follow index ${prev.index}`));
      return;
    }
    if (envelope) {
      // Contract, "Entries": prev is the leaf hash of entry index-1, 64 zeros for entry 0.
      const expected = index === 0 ? ZERO_HASH_HEX : prev?.index === index - 1 && prev.leafHash ? toHex(prev.leafHash) : null;
      if (expected !== null && envelope.prev !== expected) {
        verdict.problems.push(problem('BROKEN_CHAIN', `prev ${envelope.prev} is not the leaf hash of entry ${index - 1} (${expected})`));
      }
    }
    if (prev?.receivedAtMs != null && checked.receivedAtMs !== null && checked.receivedAtMs < prev.receivedAtMs) {
      verdict.problems.push(problem('TIME_DECREASES', `received before entry ${prev.index}, which has a smaller index`));
    }
    if (this.complete && index > this.expectedNext) {
      verdict.problems.push(problem('MISSING_ENTRY', `entries ${this.expectedNext} to ${index - 1} are missing before this one`));
    }
    this.expectedNext = Math.max(this.expectedNext, index + 1);
    this.previous = { index, leafHash: selfOk ? checked.leafHash : null, receivedAtMs: checked.receivedAtMs };
  }

  /**
   * A period's range is [firstIndex, treeSize). The entry just before it, proved against the
   * anchor, shows it was received before the start; the entry at treeSize, proved against the
   * latest checkpoint, shows it was received at or after the end. Together they pin the range.
   */
  private checkBoundaries(head: BundleHead): void {
    const period = head.period;
    const bounds = this.checked.periodBounds;
    if (!period || !bounds) return;
    const boundaryCtx: EntryContext = { ...this.ctx, query: {}, period: null };
    const fail = (message: string) => this.fail(problem('BAD_BOUNDARY', message));

    if (period.firstIndex === 0) {
      if (period.before !== null) fail('period.before must be null when the period starts at entry 0');
    } else if (period.before === null) {
      fail(`period.before (entry ${period.firstIndex - 1}, the last received before the start) is missing`);
    } else {
      const before = checkEntry(boundaryCtx, period.before, this.checked.anchor, 'period.before');
      for (const p of before.verdict.problems) fail(`period.before: ${p.message}`);
      if (before.verdict.index !== period.firstIndex - 1) fail(`period.before must be entry ${period.firstIndex - 1}`);
      if (before.receivedAtMs !== null && before.receivedAtMs >= bounds.start) fail('period.before was not received before the period start');
      if (before.verdict.ok && before.verdict.index !== null) {
        this.previous = { index: before.verdict.index, leafHash: before.leafHash, receivedAtMs: before.receivedAtMs };
      }
    }

    if (head.latest.treeSize <= period.treeSize) {
      if (period.after !== null) fail('period.after must be null when no entry follows the close');
    } else if (period.after === null) {
      fail(`period.after (entry ${period.treeSize}, the first received after the end) is missing`);
    } else {
      const after = checkEntry(boundaryCtx, period.after, this.checked.latest, 'period.after');
      for (const p of after.verdict.problems) fail(`period.after: ${p.message}`);
      if (after.verdict.index !== period.treeSize) fail(`period.after must be entry ${period.treeSize}`);
      if (after.receivedAtMs !== null && after.receivedAtMs < bounds.end) fail('period.after was received before the period end');
      this.after = after;
    }
  }
}

function treeHead(tree: { treeSize: number; root: Uint8Array } | null): TreeHead | null {
  return tree ? { treeSize: tree.treeSize, rootHash: toHex(tree.root) } : null;
}
