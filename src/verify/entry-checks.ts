/**
 * Checks of one bundle entry on its own: its leaf bytes, leaf hash, envelope, inclusion proof,
 * period and query. What needs its neighbours (order, the `prev` chain, gaps) is the bundle
 * verifier's business. Never throws.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, fromBase64, fromHex, toHex } from '../crypto/bytes.js';
import { leafHash, verifyInclusion } from '../merkle/index.js';
import { decodeLeaf, isLate, parseRfc3339, type EntryEnvelope } from '../evidence/index.js';
import { bundleEntrySchema, type BundleEntry, type BundleQuery, type RedactedBundleEntry } from './bundle-format.js';
import { messageOf } from './checkpoint.js';
import { problem, proofProblem, type EntryVerdict, type Problem } from './report.js';

/** A tree whose root the auditor's key vouched for; null when no signed root could be trusted. */
export interface TrustedTree {
  name: 'anchor' | 'latest';
  treeSize: number;
  root: Uint8Array;
}

export interface EntryContext {
  c: Crypto;
  fiscalYearStart: number;
  query: BundleQuery;
  /** The period's bounds in epoch ms, [start, end); null without a period. */
  period: { start: number; end: number } | null;
}

export interface CheckedEntry {
  verdict: EntryVerdict;
  /** SHA-256(0x00 || leaf) recomputed from the leaf bytes; null when they cannot be read. */
  leafHash: Uint8Array | null;
  envelope: EntryEnvelope | null;
  /** receivedAt in epoch ms, when the envelope decoded. */
  receivedAtMs: number | null;
}

/** Runs every self-contained check of `raw` against `tree` (null: its root is not trusted). */
export function checkEntry(ctx: EntryContext, raw: unknown, tree: TrustedTree | null, what = 'entry'): CheckedEntry {
  const problems: Problem[] = [];
  const declaredIndex = readIndex(raw);
  const parsed = bundleEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
    problems.push(problem('BAD_SHAPE', `${what} is malformed: ${where}${issue?.message ?? 'invalid'}`));
    return done(declaredIndex, null, problems, null, null, null);
  }
  if ('redacted' in parsed.data) return checkRedacted(ctx, parsed.data, tree);
  const entry = parsed.data;
  const leaf = fromBase64(entry.leaf);
  if (leaf === undefined) {
    problems.push(problem('BAD_SHAPE', `${what} leaf is not canonical standard base64`));
    return done(entry.index, null, problems, null, null, null);
  }

  // RFC 9162 §2.1.1: the leaf hash is recomputed, never taken from the bundle.
  const computed = leafHash(ctx.c, leaf);
  if (toHex(computed) !== entry.leafHash) {
    problems.push(problem('BAD_LEAF_HASH', `leafHash ${entry.leafHash} is not SHA-256(0x00 || leaf) = ${toHex(computed)}`));
  }
  problems.push(...checkInclusion(ctx.c, entry, computed, tree));

  let envelope: EntryEnvelope | null = null;
  try {
    envelope = decodeLeaf(leaf);
  } catch (err) {
    problems.push(problem('BAD_LEAF', `leaf is not a canonical version 1 entry envelope: ${messageOf(err)}`));
  }
  let late: boolean | null = null;
  let receivedAtMs: number | null = null;
  if (envelope) {
    if (envelope.index !== entry.index) {
      problems.push(problem('INDEX_MISMATCH', `the leaf says index ${envelope.index}, the bundle says ${entry.index}`));
    }
    receivedAtMs = parseRfc3339(envelope.receivedAt) ?? null;
    const lateness = lateOf(envelope, ctx.fiscalYearStart);
    if (lateness instanceof Error) problems.push(problem('CHECK_FAILED', `lateness could not be computed (a verifier fault, not evidence of tampering): ${messageOf(lateness)}`));
    else late = lateness;
    if (late !== null && late !== entry.late) {
      problems.push(problem('LATE_MISMATCH', `the bundle says late=${entry.late}, the leaf gives late=${late}`));
    }
    problems.push(...checkQuery(envelope, ctx.query));
    if (ctx.period && receivedAtMs !== null && (receivedAtMs < ctx.period.start || receivedAtMs >= ctx.period.end)) {
      problems.push(problem('OUTSIDE_PERIOD', `received at ${envelope.receivedAt}, outside the period`));
    }
  }
  return done(entry.index, late, problems, computed, envelope, receivedAtMs);
}

/**
 * Contract, "Redaction": without leaf bytes the hash cannot be recomputed, but the inclusion proof
 * binds the stated hash to the signed root, and the next entry's `prev` must equal it (the bundle
 * verifier's chain check). Nothing else of the entry is known, so its period and query are not.
 */
function checkRedacted(ctx: EntryContext, entry: RedactedBundleEntry, tree: TrustedTree | null): CheckedEntry {
  const hash = fromHex(entry.leafHash);
  const problems = checkInclusion(ctx.c, entry, hash, tree);
  const checked = done(entry.index, null, problems, hash, null, null);
  checked.verdict.redacted = { by: entry.redacted.by };
  return checked;
}

/** RFC 9162 §2.1.3.2 against the trusted root. */
function checkInclusion(c: Crypto, entry: BundleEntry, computed: Uint8Array, tree: TrustedTree | null): Problem[] {
  if (!tree) return [problem('UNTRUSTED_ANCHOR', 'no signed root to prove this entry against')];
  if (entry.index >= tree.treeSize) {
    return [problem('OUTSIDE_TREE', `index ${entry.index} is not in the ${tree.name} tree of size ${tree.treeSize}`)];
  }
  const verdict = verifyInclusion(c, {
    leafHash: computed,
    index: entry.index,
    size: tree.treeSize,
    proof: entry.proof.map(fromHex),
    root: tree.root,
  });
  if (verdict.ok) return [];
  return [proofProblem('BAD_INCLUSION', verdict, `inclusion in the ${tree.name} tree of size ${tree.treeSize}`)];
}

/** Every filter of the query must hold for the record, or the bundle mixes in other evidence. */
function checkQuery(envelope: EntryEnvelope, query: BundleQuery): Problem[] {
  const record = envelope.record;
  const actual: Record<string, string> = {
    controlId: record.controlId,
    system: record.system,
    actor: record.actor.id,
    subject: record.subject.id,
  };
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(actual)) {
    const wanted = query[name as keyof BundleQuery];
    if (wanted !== undefined && wanted !== value) {
      problems.push(problem('QUERY_MISMATCH', `${name} is ${JSON.stringify(value)}, the query asks for ${JSON.stringify(wanted)}`));
    }
  }
  return problems;
}

/**
 * Contract: late when occurredAt lies in an earlier fiscal quarter than receivedAt. A decoded
 * envelope always has both times, so a failure here is the verifier's (or its fiscal start's),
 * and is returned to be reported, never swallowed.
 */
function lateOf(envelope: EntryEnvelope, fiscalYearStart: number): boolean | Error {
  try {
    return isLate(envelope.record.occurredAt, envelope.receivedAt, fiscalYearStart);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function readIndex(raw: unknown): number | null {
  const index = typeof raw === 'object' && raw !== null ? (raw as { index?: unknown }).index : undefined;
  return typeof index === 'number' && Number.isSafeInteger(index) && index >= 0 ? index : null;
}

function done(
  index: number | null,
  late: boolean | null,
  problems: Problem[],
  leafHashBytes: Uint8Array | null,
  envelope: EntryEnvelope | null,
  receivedAtMs: number | null,
): CheckedEntry {
  return { verdict: { index, ok: problems.length === 0, late, problems }, leafHash: leafHashBytes, envelope, receivedAtMs };
}

/** True when `a` and `b` are the same bytes; null-safe for the chain check. */
export function sameHash(a: Uint8Array | null, b: Uint8Array | null): boolean {
  return a !== null && b !== null && bytesEqual(a, b);
}
