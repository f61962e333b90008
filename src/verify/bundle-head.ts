/**
 * Checks of a bundle's head, before any entry: format and version, the auditor's key against
 * the one the bundle names, both signed checkpoints (C2SP signed-note, tlog-checkpoint), the
 * RFC 9162 §2.1.4.2 consistency proof from the anchor to the latest, and the period.
 * Never throws; every failure is a problem.
 */
import type { Crypto } from '../crypto/types.js';
import { fromHex } from '../crypto/bytes.js';
import { verifyConsistency } from '../merkle/index.js';
import { formatVerifierKey, type VerifierKey, type WitnessPolicy } from '../note/index.js';
import { formatTimestamp, parsePeriodId } from '../evidence/index.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleHeadSchema, type BundleHead } from './bundle-format.js';
import { checkWitnesses, messageOf, readVerifierKey, verifyCheckpointText } from './checkpoint.js';
import { problemAnswerOf } from './saved-answer.js';
import type { TrustedTree } from './entry-checks.js';
import { problem, proofProblem, type Problem } from './report.js';

/** At most this many shape issues are listed; one is enough to reject, a few help to fix. */
const MAX_SHAPE_ISSUES = 5;

export interface CheckedHead {
  head: BundleHead | null;
  key: VerifierKey | null;
  anchor: TrustedTree | null;
  latest: TrustedTree | null;
  /** Fiscal year start used for `late` and period bounds. */
  fiscalYearStart: number;
  /** Period bounds recomputed from its id, in epoch ms; null without a period or when the id is bad. */
  periodBounds: { start: number; end: number } | null;
  problems: Problem[];
}

export function checkHead(c: Crypto, bundle: unknown, verifierKey: string | VerifierKey, fiscalYearStart?: number, policy?: WitnessPolicy): CheckedHead {
  const out: CheckedHead = {
    head: null,
    key: null,
    anchor: null,
    latest: null,
    fiscalYearStart: fiscalYearStart ?? 1,
    periodBounds: null,
    problems: [],
  };
  const key = readVerifierKey(c, verifierKey);
  if (key.ok) out.key = key.key;
  else out.problems.push(key.problem);

  const head = parseHead(bundle, out.problems);
  if (!head) return out;
  out.head = head;
  if (fiscalYearStart !== undefined && fiscalYearStart !== head.fiscalYearStart) {
    out.problems.push(problem('PERIOD_MISMATCH', `the bundle uses fiscal year start month ${head.fiscalYearStart}, the auditor ${fiscalYearStart}`));
  }
  out.fiscalYearStart = fiscalYearStart ?? head.fiscalYearStart;
  if (out.key) checkNamedKey(head, out.key, out.problems);
  if (out.key) {
    out.anchor = trustedTree(c, 'anchor', head.anchor, out.key, out.problems);
    out.latest = trustedTree(c, 'latest', head.latest, out.key, out.problems);
  }
  const consistent = checkConsistency(c, head, out.anchor, out.latest, out.problems);
  // With a witness policy, the anchor (the tree every inclusion proof leads to) must be witnessed.
  if (policy && out.anchor && !anchorWitnessed(c, head, policy, consistent && out.latest !== null, out.problems)) out.anchor = null;
  out.periodBounds = checkPeriod(head, out.fiscalYearStart, out.problems);
  return out;
}

function parseHead(bundle: unknown, problems: Problem[]): BundleHead | null {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    problems.push(problem('BAD_SHAPE', 'a bundle must be a JSON object'));
    return null;
  }
  const { entries: _entries, ...rest } = bundle as Record<string, unknown>;
  const saved = rest.format === undefined ? problemAnswerOf(rest, 'an evidence bundle') : undefined;
  if (saved) {
    problems.push(problem('BAD_SHAPE', saved));
    return null;
  }
  if (rest.format !== BUNDLE_FORMAT || rest.version !== BUNDLE_VERSION) {
    problems.push(
      problem(
        'UNSUPPORTED_VERSION',
        `expected format ${JSON.stringify(BUNDLE_FORMAT)} version ${BUNDLE_VERSION}, got ${JSON.stringify(rest.format)} version ${JSON.stringify(rest.version)}`,
      ),
    );
    return null;
  }
  const parsed = bundleHeadSchema.safeParse(rest);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues.slice(0, MAX_SHAPE_ISSUES)) {
    problems.push(problem('BAD_SHAPE', `${issue.path.join('.') || 'bundle'}: ${issue.message}`));
  }
  return null;
}

/** The bundle's own key is only a claim; the auditor's key decides, and the two must agree. */
function checkNamedKey(head: BundleHead, key: VerifierKey, problems: Problem[]): void {
  const auditorKey = formatVerifierKey(key);
  if (head.verifierKey !== auditorKey) {
    problems.push(problem('KEY_DIFFERS', `the bundle names verifier key ${head.verifierKey}, the auditor's is ${auditorKey}`));
  }
  if (head.origin !== key.name) {
    problems.push(problem('KEY_DIFFERS', `the bundle names origin ${JSON.stringify(head.origin)}, the auditor's key is for ${JSON.stringify(key.name)}`));
  }
}

function trustedTree(
  c: Crypto,
  name: TrustedTree['name'],
  ref: BundleHead['anchor'],
  key: VerifierKey,
  problems: Problem[],
): TrustedTree | null {
  const verdict = verifyCheckpointText(c, ref.checkpoint, key);
  if (!verdict.ok) {
    problems.push(problem(verdict.problem.code, `${name}: ${verdict.problem.message}`));
    return null;
  }
  if (verdict.checkpoint.treeSize !== ref.treeSize) {
    problems.push(problem('SIZE_MISMATCH', `${name}: the bundle says size ${ref.treeSize}, the signed checkpoint ${verdict.checkpoint.treeSize}`));
    return null;
  }
  return { name, treeSize: verdict.checkpoint.treeSize, root: verdict.checkpoint.root };
}

/**
 * C2SP tlog-policy on the anchor: its own cosignatures meet the quorum, or (a close made after
 * the witnesses had cosigned past it can never be cosigned itself: tlog-witness never goes back)
 * the latest checkpoint meets it and the verified consistency proof shows the anchor's tree is a
 * prefix of that witnessed tree, so every inclusion in the anchor is in the witnessed history.
 * A bad cosignature from a policy witness on either note rejects it (tlog-cosignature).
 */
function anchorWitnessed(c: Crypto, head: BundleHead, policy: WitnessPolicy, provedPrefix: boolean, problems: Problem[]): boolean {
  const own = checkWitnesses(c, head.anchor.checkpoint, policy);
  if (own.ok) return true;
  if (own.problem.code === 'NO_QUORUM' && provedPrefix) {
    const latest = checkWitnesses(c, head.latest.checkpoint, policy);
    if (latest.ok) return true;
    if (latest.problem.code === 'BAD_COSIGNATURE') {
      problems.push(problem(latest.problem.code, `latest: ${latest.problem.message}`));
      return false;
    }
  }
  problems.push(problem(own.problem.code, `anchor: ${own.problem.message}`));
  return false;
}

/** RFC 9162 §2.1.4.2: the latest tree extends the anchor tree. True when that is proved. */
function checkConsistency(c: Crypto, head: BundleHead, anchor: TrustedTree | null, latest: TrustedTree | null, problems: Problem[]): boolean {
  const { from, to, proof } = head.consistency;
  if (from !== head.anchor.treeSize || to !== head.latest.treeSize) {
    problems.push(problem('SIZE_MISMATCH', `consistency proof is for ${from} -> ${to}, the checkpoints are ${head.anchor.treeSize} -> ${head.latest.treeSize}`));
    return false;
  }
  if (from > to) {
    problems.push(problem('SIZE_MISMATCH', `the anchor (size ${from}) is larger than the latest checkpoint (size ${to})`));
    return false;
  }
  if (!anchor || !latest) return false; // already reported: nothing trusted to check against
  if (from === 0) {
    // Every tree extends the empty one; there is nothing to prove (RFC 9162 §2.1.4 needs m >= 1).
    if (proof.length === 0) return true;
    problems.push(problem('BAD_CONSISTENCY', 'a consistency proof from the empty tree must be empty'));
    return false;
  }
  const verdict = verifyConsistency(c, {
    oldSize: from,
    newSize: to,
    oldRoot: anchor.root,
    newRoot: latest.root,
    proof: proof.map(fromHex),
  });
  // Equal sizes: verifyConsistency demands the empty proof and the same root.
  if (verdict.ok) return true;
  problems.push(proofProblem('BAD_CONSISTENCY', verdict, `consistency anchor ${from} -> latest ${to}`));
  return false;
}

/** The period must agree with the query, its own id's bounds and the anchor. Returns its bounds. */
function checkPeriod(head: BundleHead, fiscalYearStart: number, problems: Problem[]): { start: number; end: number } | null {
  const { period, query } = head;
  if (!period) {
    if (query.period !== undefined) problems.push(problem('PERIOD_MISMATCH', `the query names period ${query.period}, the bundle has none`));
    return null;
  }
  if (query.period !== period.period) {
    problems.push(problem('PERIOD_MISMATCH', `the bundle is for period ${period.period}, the query for ${String(query.period)}`));
  }
  if (period.treeSize !== head.anchor.treeSize) {
    problems.push(problem('PERIOD_MISMATCH', `the period closes at size ${period.treeSize}, the anchor has size ${head.anchor.treeSize}`));
  }
  if (period.firstIndex > period.treeSize) {
    problems.push(problem('PERIOD_MISMATCH', `the period's first index ${period.firstIndex} is beyond its close size ${period.treeSize}`));
  }
  let bounds: { start: number; end: number };
  try {
    bounds = parsePeriodId(period.period, fiscalYearStart);
  } catch (err) {
    problems.push(problem('PERIOD_MISMATCH', messageOf(err)));
    return null;
  }
  const start = formatTimestamp(bounds.start);
  const end = formatTimestamp(bounds.end);
  if (period.start !== start || period.end !== end) {
    problems.push(problem('PERIOD_MISMATCH', `${period.period} is [${start}, ${end}), the bundle says [${period.start}, ${period.end})`));
  }
  return { start: bounds.start, end: bounds.end };
}
