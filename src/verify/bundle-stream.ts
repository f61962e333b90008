/**
 * Verifies a bundle from its JSON text fed in chunks, so a bundle of any size is checked in
 * flat memory: the members of the top-level object are cut out one by one, and each element
 * of `entries` is parsed and verified as soon as it is complete. Any layout of valid JSON is
 * accepted; when `entries` comes before other members (the producer writes it last), its
 * elements wait until the head is complete. Pure: the caller does the reading.
 *
 * Only the structure between members and elements is scanned here; every member value and
 * every element is parsed by JSON.parse, so the grammar is the platform's (RFC 8259).
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import type { VerifierKey } from '../note/index.js';
import { bundleHeadSchema } from './bundle-format.js';
import { BundleVerifier, type VerifyOptions } from './bundle-verifier.js';
import { readVerifierKey } from './checkpoint.js';
import { problem, type BundleReport, type EntryVerdict, type Problem } from './report.js';

type State =
  | 'start' // before '{'
  | 'first-key' // after '{': a key or '}'
  | 'key' // after ',': a key
  | 'in-key'
  | 'colon'
  | 'value-start'
  | 'value' // inside a member value other than the entries array
  | 'element-or-end' // after '[': an element or ']'
  | 'element' // after ',' in the array: an element
  | 'in-element'
  | 'after-member' // ',' or '}'
  | 'done';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const IN_STRING = /["\\]/g;
const STRUCTURAL = /["{}[\],]/g;
const ENTRIES = 'entries';
/** Every member but `entries`: all required, and no other is allowed. */
const HEAD_MEMBERS = Object.keys(bundleHeadSchema.shape);

class JsonStructureError extends Error {}

export class BundleStreamVerifier {
  private state: State = 'start';
  private token = '';
  private key = '';
  private inString = false;
  private escaped = false;
  private nesting = 0;
  private readonly head: Record<string, unknown> = {};
  private entries: 'absent' | 'array' | 'not-array' = 'absent';
  private verifier: BundleVerifier | undefined;
  private waiting: unknown[] = [];
  private error: string | undefined;

  constructor(
    private readonly c: Crypto = nobleCrypto,
    private readonly verifierKey: string | VerifierKey,
    private readonly options: VerifyOptions = {},
    private readonly onVerdict: (v: EntryVerdict) => void = () => {},
  ) {}

  /** Feeds the next piece of the JSON text. Never throws; a syntax error is reported by `end`. */
  write(text: string): void {
    if (this.error !== undefined) return;
    try {
      this.scan(text);
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
    if (this.error === undefined && this.state !== 'done') this.error = 'the text ends before the bundle does (truncated?)';
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

  /** The verifier, built from the head members seen so far; buffered entries go through it first. */
  private headVerifier(): BundleVerifier {
    if (!this.verifier) {
      this.verifier = new BundleVerifier(this.c, this.head, this.verifierKey, this.options);
      for (const entry of this.waiting) this.onVerdict(this.verifier.entry(entry));
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

  /**
   * Entries are verified as they come once every head member has been seen (the producer's
   * order); before that they wait, since a later member could still complete the head.
   */
  private element(text: string): void {
    const entry: unknown = JSON.parse(text);
    if (this.verifier || HEAD_MEMBERS.every((k) => Object.hasOwn(this.head, k))) this.onVerdict(this.headVerifier().entry(entry));
    else this.waiting.push(entry);
  }

  private scan(s: string): void {
    let i = 0;
    while (i < s.length) {
      switch (this.state) {
        case 'start':
          i = this.expect(s, i, '{', 'first-key');
          break;
        case 'first-key':
        case 'key': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          const ch = s[i]!;
          if (ch === '}' && this.state === 'first-key') {
            this.state = 'done';
            i++;
          } else if (ch === '"') {
            this.state = 'in-key';
            this.token = '"';
            this.inString = true;
            i++;
          } else throw new JsonStructureError(`expected a member name, got ${JSON.stringify(ch)}`);
          break;
        }
        case 'in-key': {
          const end = this.scanString(s, i);
          this.token += s.slice(i, end);
          if (this.inString) return;
          this.key = JSON.parse(this.token) as string;
          this.state = 'colon';
          i = end;
          break;
        }
        case 'colon':
          i = this.expect(s, i, ':', 'value-start');
          break;
        case 'value-start': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          if (this.key === ENTRIES && s[i] === '[') {
            if (this.entries !== 'absent') throw new JsonStructureError('member "entries" appears twice');
            this.entries = 'array';
            this.state = 'element-or-end';
            i++;
          } else {
            this.startToken('value');
          }
          break;
        }
        case 'value':
        case 'in-element': {
          const end = this.scanValue(s, i);
          this.token += s.slice(i, end);
          if (end >= s.length) return;
          const closer = s[end]!;
          if (closer === (this.state === 'value' ? ']' : '}')) throw new JsonStructureError(`unexpected ${closer}`);
          if (this.state === 'value') {
            this.member(this.key, this.token);
            this.state = closer === '}' ? 'done' : 'key';
          } else {
            this.element(this.token);
            this.state = closer === ']' ? 'after-member' : 'element';
          }
          i = end + 1;
          break;
        }
        case 'element-or-end':
        case 'element': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          if (s[i] === ']' && this.state === 'element-or-end') {
            this.state = 'after-member';
            i++;
          } else if (s[i] === ']' || s[i] === ',') {
            throw new JsonStructureError(`expected an entry, got ${JSON.stringify(s[i])}`);
          } else {
            this.startToken('in-element');
          }
          break;
        }
        case 'after-member': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          if (s[i] === ',') this.state = 'key';
          else if (s[i] === '}') this.state = 'done';
          else throw new JsonStructureError(`expected , or } after a member, got ${JSON.stringify(s[i])}`);
          i++;
          break;
        }
        case 'done':
          i = skipWhitespace(s, i);
          if (i < s.length) throw new JsonStructureError('text after the end of the bundle');
          break;
      }
    }
  }

  private startToken(state: 'value' | 'in-element'): void {
    this.state = state;
    this.token = '';
    this.nesting = 0;
    this.inString = false;
    this.escaped = false;
  }

  private expect(s: string, i: number, ch: string, next: State): number {
    const at = skipWhitespace(s, i);
    if (at >= s.length) return at;
    if (s[at] !== ch) throw new JsonStructureError(`expected ${ch}, got ${JSON.stringify(s[at])}`);
    this.state = next;
    return at + 1;
  }

  /** Index just past the closing quote of the current string, or s.length when the chunk ends first. */
  private scanString(s: string, i: number): number {
    while (i < s.length) {
      if (this.escaped) {
        this.escaped = false;
        i++;
        continue;
      }
      IN_STRING.lastIndex = i;
      const m = IN_STRING.exec(s);
      if (!m) return s.length;
      i = m.index + 1;
      if (m[0] === '\\') this.escaped = true;
      else {
        this.inString = false;
        return i;
      }
    }
    return i;
  }

  /** Index of the `,` or closing bracket that ends the current value, or s.length when the chunk ends first. */
  private scanValue(s: string, i: number): number {
    while (i < s.length) {
      if (this.inString) {
        i = this.scanString(s, i);
        continue;
      }
      STRUCTURAL.lastIndex = i;
      const m = STRUCTURAL.exec(s);
      if (!m) return s.length;
      const ch = m[0];
      if (ch === '"') {
        this.inString = true;
        i = m.index + 1;
      } else if (ch === '{' || ch === '[') {
        this.nesting++;
        i = m.index + 1;
      } else if (this.nesting > 0 && ch !== ',') {
        this.nesting--;
        i = m.index + 1;
      } else if (this.nesting > 0) {
        i = m.index + 1;
      } else {
        return m.index;
      }
    }
    return i;
  }
}

/** The report for a text whose head could not be read at all: only the key can still be checked. */
function unreadable(c: Crypto, verifierKey: string | VerifierKey, broken: Problem): Omit<BundleReport, 'entries'> {
  const key = readVerifierKey(c, verifierKey);
  const problems = key.ok ? [broken] : [key.problem, broken];
  const summary = { ok: false, entries: 0, failures: 0, late: 0, anchor: null, latest: null, period: null, query: {}, complete: false };
  return { ok: false, problems, summary };
}

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return i;
}
