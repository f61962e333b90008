/**
 * Verifies a bundle from its JSON text fed in chunks, so a bundle of any size is checked in
 * flat memory: the members of the top-level object are cut out one by one, and each element
 * of `entries` is parsed and verified as soon as it is complete (json-object-scanner.ts). Any
 * layout of valid JSON is accepted; when `entries` comes before other members (the producer
 * writes it last), its elements wait until the head is complete. Pure: the caller reads.
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import type { VerifierKey } from '../note/index.js';
import type { EvidenceRecord } from '../evidence/index.js';
import { bundleHeadSchema } from './bundle-format.js';
import { BundleVerifier, type VerifyOptions } from './bundle-verifier.js';
import { readVerifierKey } from './checkpoint.js';
import { JsonObjectScanner, JsonStructureError } from './json-object-scanner.js';
import { problem, type BundleReport, type EntryVerdict, type Problem } from './report.js';

const ENTRIES = 'entries';
/** Every required member but `entries` (the optional ones, when sent, come before the entries too). */
const HEAD_MEMBERS = Object.entries(bundleHeadSchema.shape)
  .filter(([, schema]) => !schema.safeParse(undefined).success)
  .map(([key]) => key);

export class BundleStreamVerifier {
  private readonly scanner = new JsonObjectScanner(ENTRIES, {
    member: (key, text) => this.member(key, text),
    arrayOpened: () => this.entriesOpened(),
    element: (text) => this.element(text),
  });
  private readonly head: Record<string, unknown> = {};
  private entries: 'absent' | 'array' | 'not-array' = 'absent';
  private verifier: BundleVerifier | undefined;
  private waiting: unknown[] = [];
  private error: string | undefined;

  constructor(
    private readonly c: Crypto = nobleCrypto,
    private readonly verifierKey: string | VerifierKey,
    private readonly options: VerifyOptions = {},
    /** Each entry's verdict, with its record when it verified (null otherwise). */
    private readonly onVerdict: (v: EntryVerdict, record: EvidenceRecord | null) => void = () => {},
  ) {}

  /** Feeds the next piece of the JSON text. Never throws; a syntax error is reported by `end`. */
  write(text: string): void {
    if (this.error !== undefined) return;
    try {
      this.scanner.write(text);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  /** Stops reading: the input itself failed (e.g. it is not UTF-8). `end` reports `reason`. */
  abort(reason: string): void {
    if (this.error === undefined) this.error = reason;
  }

  /** The bundle-level outcome, once the whole text was written. */
  end(): Omit<BundleReport, 'entries'> {
    if (this.error === undefined && !this.scanner.done) this.error = 'the text ends before the bundle does (truncated?)';
    if (this.error !== undefined) {
      const broken = problem('BAD_SHAPE', `the bundle is not a valid JSON object: ${this.error}`);
      if (!this.verifier) return unreadable(this.c, this.verifierKey, broken);
      this.verifier.fail(broken);
      return this.verifier.finish();
    }
    const verifier = this.headVerifier();
    if (this.entries !== 'array') verifier.fail(problem('BAD_SHAPE', 'entries must be an array'));
    return verifier.finish();
  }

  private check(verifier: BundleVerifier, entry: unknown): void {
    const verdict = verifier.entry(entry);
    this.onVerdict(verdict, verifier.lastVerifiedRecord);
  }

  /** The verifier, built from the head members seen so far; buffered entries go through it first. */
  private headVerifier(): BundleVerifier {
    if (!this.verifier) {
      this.verifier = new BundleVerifier(this.c, this.head, this.verifierKey, this.options);
      for (const entry of this.waiting) this.check(this.verifier, entry);
      this.waiting = [];
    }
    return this.verifier;
  }

  private member(key: string, text: string): void {
    if (Object.hasOwn(this.head, key) || (key === ENTRIES && this.entries !== 'absent')) {
      throw new JsonStructureError(`member ${JSON.stringify(key)} appears twice`);
    }
    const value: unknown = JSON.parse(text);
    if (key === ENTRIES) this.entries = 'not-array';
    else if (this.verifier) this.verifier.fail(problem('BAD_SHAPE', `unknown member ${JSON.stringify(key)} after the entries`));
    // defineProperty, not assignment: a member named __proto__ must stay a member (and be rejected).
    else Object.defineProperty(this.head, key, { value, enumerable: true, writable: true, configurable: true });
  }

  private entriesOpened(): void {
    if (this.entries !== 'absent') throw new JsonStructureError('member "entries" appears twice');
    this.entries = 'array';
  }

  /**
   * Entries are verified as they come once every head member has been seen (the producer's
   * order); before that they wait, since a later member could still complete the head.
   */
  private element(text: string): void {
    const entry: unknown = JSON.parse(text);
    if (this.verifier || HEAD_MEMBERS.every((k) => Object.hasOwn(this.head, k))) this.check(this.headVerifier(), entry);
    else this.waiting.push(entry);
  }
}

/** The report for a text whose head could not be read at all: only the key can still be checked. */
function unreadable(c: Crypto, verifierKey: string | VerifierKey, broken: Problem): Omit<BundleReport, 'entries'> {
  const key = readVerifierKey(c, verifierKey);
  const problems = key.ok ? [broken] : [key.problem, broken];
  const summary = { ok: false, entries: 0, failures: 0, late: 0, records: {}, redacted: 0, anchor: null, latest: null, period: null, query: {}, complete: false, signatures: { verified: 0, unchecked: 0 } };
  return { ok: false, problems, summary };
}
