/**
 * C2SP tlog-policy (c2sp.org/tlog-policy): which logs and witnesses a checkpoint verifier trusts,
 * and the quorum of cosignatures a checkpoint needs.
 *
 *   log <vkey> [<url>]
 *   witness <name> <vkey> [<url>]          (vkey of type 0x04, tlog-cosignature)
 *   group <name> all|any|<k> <name>...     (members defined on earlier lines, each once)
 *   quorum <name>|none                     (exactly one)
 *
 * Items are separated by spaces and tabs; blank lines and lines starting with `#` are ignored.
 * Names are opaque and share one namespace; `none` is predefined.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { NoteError } from './errors.js';
import { parseVerifierKey, type VerifierKey } from './keys.js';
import { parseCosignerKey, verifyCosignatures, type Cosignature } from './cosignature.js';

export const QUORUM_NONE = 'none';
/** tlog-policy §Character set: tab, newline, 0x20-0x7E and anything above 0x7F. */
const FORBIDDEN_OCTET = /[\u0000-\u0008\u000b-\u001f\u007f]/;
/** The spec asks for at least 32 of each; more than this is a mistake, not a policy. */
export const MAX_POLICY_ITEMS = 256;

export interface PolicyLog {
  readonly key: VerifierKey;
  readonly url?: string;
}

export interface PolicyWitness {
  /** The policy's own name for it (quorum and groups refer to it). */
  readonly name: string;
  /** Its cosigner key; the key's own name is what appears on cosignature lines. */
  readonly key: VerifierKey;
  /** Its submission prefix (tlog-witness), when given. */
  readonly url?: string;
}

export type QuorumRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'witness'; readonly name: string }
  | { readonly kind: 'group'; readonly name: string; readonly threshold: number; readonly members: readonly QuorumRule[] };

export interface WitnessPolicy {
  readonly logs: readonly PolicyLog[];
  readonly witnesses: readonly PolicyWitness[];
  readonly quorum: QuorumRule;
}

export interface QuorumVerdict {
  readonly met: boolean;
  /** Policy names of the witnesses the quorum reaches that have not cosigned, in policy order. */
  readonly missing: string[];
}

export interface PolicyCheck extends QuorumVerdict {
  /** Verified cosignatures of policy witnesses, with the witness's policy name. */
  readonly cosigned: { witness: string; cosignature: Cosignature }[];
}

function bad(lineNo: number, message: string): NoteError {
  return new NoteError('MALFORMED_POLICY', `policy line ${lineNo}: ${message}`);
}

/** Parses a policy file. Throws NoteError MALFORMED_POLICY (or MALFORMED_KEY inside the message) naming the line. */
export function parseWitnessPolicy(c: Crypto, text: string): WitnessPolicy {
  if (typeof text !== 'string') throw new NoteError('MALFORMED_POLICY', 'policy must be text');
  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const rules = new Map<string, QuorumRule>();
  let quorum: QuorumRule | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const at = FORBIDDEN_OCTET.exec(raw);
    if (at) throw bad(n, `control character U+${at[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed (only tab and newline; save the file without CR line ends)`);
    const fields = raw.split(/[ \t]+/).filter((f) => f !== '');
    if (fields.length === 0 || fields[0]!.startsWith('#')) return;
    const key = (text: string, parse: (c: Crypto, t: string) => VerifierKey): VerifierKey => {
      try {
        return parse(c, text);
      } catch (err) {
        throw bad(n, (err as Error).message);
      }
    };
    const newName = (name: string) => {
      if (name === QUORUM_NONE) throw bad(n, '"none" is predefined and cannot be defined again');
      if (rules.has(name)) throw bad(n, `name ${JSON.stringify(name)} is already defined`);
    };
    switch (fields[0]) {
      case 'log': {
        if (fields.length < 2 || fields.length > 3) throw bad(n, 'expected: log <vkey> [<url>]');
        const k = key(fields[1]!, parseVerifierKey);
        if (logs.some((l) => bytesEqual(l.key.publicKey, k.publicKey))) throw bad(n, 'duplicate log (same public key)');
        logs.push(fields[2] === undefined ? { key: k } : { key: k, url: fields[2] });
        break;
      }
      case 'witness': {
        if (fields.length < 3 || fields.length > 4) throw bad(n, 'expected: witness <name> <vkey> [<url>]');
        const name = fields[1]!;
        newName(name);
        const k = key(fields[2]!, parseCosignerKey);
        if (witnesses.some((w) => bytesEqual(w.key.publicKey, k.publicKey))) throw bad(n, 'duplicate witness (same public key)');
        witnesses.push(fields[3] === undefined ? { name, key: k } : { name, key: k, url: fields[3] });
        rules.set(name, { kind: 'witness', name });
        break;
      }
      case 'group': {
        if (fields.length < 4) throw bad(n, 'expected: group <name> all|any|<k> <member>... (at least one member)');
        const [, name, k, ...memberNames] = fields as [string, string, string, ...string[]];
        newName(name);
        const seen = new Set<string>();
        const members = memberNames.map((m) => {
          if (m === QUORUM_NONE) throw bad(n, '"none" cannot be a group member');
          const rule = rules.get(m);
          if (!rule) throw bad(n, `member ${JSON.stringify(m)} is not defined on an earlier line`);
          if (seen.has(m)) throw bad(n, `member ${JSON.stringify(m)} is listed twice`);
          seen.add(m);
          return rule;
        });
        const threshold = k === 'all' ? members.length : k === 'any' ? 1 : /^[1-9][0-9]{0,5}$/.test(k) ? Number(k) : NaN;
        if (!(threshold >= 1 && threshold <= members.length)) throw bad(n, `threshold must be all, any or a number from 1 to ${members.length}, got ${JSON.stringify(k)}`);
        rules.set(name, { kind: 'group', name, threshold, members });
        break;
      }
      case 'quorum': {
        if (fields.length !== 2) throw bad(n, 'expected: quorum <name>');
        if (quorum) throw bad(n, 'a policy has exactly one quorum line');
        const name = fields[1]!;
        const rule = name === QUORUM_NONE ? ({ kind: 'none' } as const) : rules.get(name);
        if (!rule) throw bad(n, `quorum ${JSON.stringify(name)} is not defined on an earlier line`);
        quorum = rule;
        break;
      }
      default:
        throw bad(n, `unknown keyword ${JSON.stringify(fields[0])} (expected log, witness, group or quorum)`);
    }
    if (logs.length > MAX_POLICY_ITEMS || witnesses.length > MAX_POLICY_ITEMS || rules.size > 2 * MAX_POLICY_ITEMS) {
      throw bad(n, `more than ${MAX_POLICY_ITEMS} logs or witnesses`);
    }
  });
  if (!quorum) throw new NoteError('MALFORMED_POLICY', 'policy has no quorum line (use "quorum none" for no witnesses)');
  return { logs, witnesses, quorum };
}

function isMet(rule: QuorumRule, cosigned: ReadonlySet<string>): boolean {
  switch (rule.kind) {
    case 'none':
      return true;
    case 'witness':
      return cosigned.has(rule.name);
    case 'group':
      return rule.members.filter((m) => isMet(m, cosigned)).length >= rule.threshold;
  }
}

function reached(rule: QuorumRule, out: Set<string>): Set<string> {
  if (rule.kind === 'witness') out.add(rule.name);
  if (rule.kind === 'group') for (const m of rule.members) reached(m, out);
  return out;
}

/** Whether the witnesses named in `cosigned` (policy names) meet the quorum, and who has not cosigned. */
export function evaluateQuorum(policy: WitnessPolicy, cosigned: ReadonlySet<string>): QuorumVerdict {
  const needed = reached(policy.quorum, new Set());
  return {
    met: isMet(policy.quorum, cosigned),
    missing: policy.witnesses.filter((w) => needed.has(w.name) && !cosigned.has(w.name)).map((w) => w.name),
  };
}

/**
 * A lower bound on the cosignatures that can meet `rule` (0 for none), exact when no witness
 * appears twice under it: a filter for finding quorum checkpoints fast, so it must never be too
 * high. tlog-policy lets different groups list the same witness; then the k satisfied members
 * may share cosigners, and only the largest of their bounds (at least the k-th smallest) is sure.
 */
export function minimumCosigners(rule: QuorumRule): number {
  if (rule.kind === 'none') return 0;
  if (rule.kind === 'witness') return 1;
  const needs = rule.members.map(minimumCosigners).sort((a, b) => a - b);
  const names = reachedWithRepeats(rule, []);
  if (new Set(names).size < names.length) return needs[rule.threshold - 1]!;
  return needs.slice(0, rule.threshold).reduce((a, b) => a + b, 0);
}

function reachedWithRepeats(rule: QuorumRule, out: string[]): string[] {
  if (rule.kind === 'witness') out.push(rule.name);
  if (rule.kind === 'group') for (const m of rule.members) reachedWithRepeats(m, out);
  return out;
}

/** True when the policy asks for at least one cosignature. */
export function requiresWitnesses(policy: WitnessPolicy): boolean {
  return policy.quorum.kind !== 'none';
}

/**
 * Checks a checkpoint note's cosignatures against the policy: verifies every line from a policy
 * witness (a bad one throws NoteError BAD_SIGNATURE) and evaluates the quorum. The log's own
 * signature is checked separately (openCheckpoint with the policy's log keys).
 */
export function checkPolicyCosignatures(c: Crypto, policy: WitnessPolicy, note: string | Uint8Array): PolicyCheck {
  const { cosignatures } = verifyCosignatures(c, note, policy.witnesses.map((w) => w.key));
  const cosigned = cosignatures.map((cosignature) => ({
    witness: policy.witnesses.find((w) => w.key.name === cosignature.name && w.key.keyHash === cosignature.keyHash)!.name,
    cosignature,
  }));
  return { ...evaluateQuorum(policy, new Set(cosigned.map((x) => x.witness))), cosigned };
}

/** One line for a refusal: which quorum, and which witnesses have not cosigned. */
export function describeMissingQuorum(policy: WitnessPolicy, verdict: QuorumVerdict): string {
  const q = policy.quorum;
  const what = q.kind === 'group' ? `group ${q.name} (${q.threshold} of ${q.members.length})` : q.kind === 'witness' ? `witness ${q.name}` : 'none';
  return `the quorum ${what} is not met; no valid cosignature from ${verdict.missing.join(', ') || '(nobody)'}`;
}
