/**
 * What the page says about a verification outcome, as plain strings (no DOM, so it is tested
 * in Node): a verdict heading, the findings an auditor must read first, and the very text and
 * JSON that `ledger verify`, `verify-proof` and `verify-checkpoint` print for the same input,
 * built by the command's own printer (src/verify/print.ts, pure string functions).
 */
import { bundleProblemsText, checkpointText, entryLine, summaryText, tlogProofText } from '../src/verify/print.js';
import type { Problem } from '../src/verify/index.js';
import type { VerifyOutcome } from './verify-input.js';

/** Failed entries listed on the page itself; the full report holds every one of them. */
export const MAX_LISTED_FAILURES = 200;

export interface Finding {
  /** What the lines are about: "bundle", "entry 5", "entry ?", "proof", "checkpoint". */
  subject: string;
  problems: Problem[];
}

export interface ResultView {
  ok: boolean;
  /** "VERIFIED" or "NOT VERIFIED", then what was checked. */
  heading: string;
  findings: Finding[];
  /** Findings not listed because there were more than MAX_LISTED_FAILURES. */
  unlisted: number;
  /** The command's closing lines (for a bundle its summary; else the whole text). */
  summary: string;
  /** The command's text output, byte for byte. */
  transcript: string;
  /** The command's `--json` output, byte for byte (one line and a newline). */
  json: string;
  /** A name for the saved JSON report. */
  reportFileName: string;
}

const RESULT = (ok: boolean) => (ok ? 'VERIFIED' : 'NOT VERIFIED');
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function describeOutcome(outcome: VerifyOutcome): ResultView {
  switch (outcome.kind) {
    case 'bundle':
      return bundleView(outcome.report);
    case 'tlog-proof': {
      const r = outcome.report;
      const what = r.index === null ? 'tlog-proof' : `tlog-proof of entry ${r.index}`;
      return {
        ok: r.ok,
        heading: `${RESULT(r.ok)}: ${what}`,
        findings: r.problems.length === 0 ? [] : [{ subject: r.index === null ? 'proof' : `entry ${r.index}`, problems: r.problems }],
        unlisted: 0,
        summary: tlogProofText(r),
        transcript: tlogProofText(r),
        json: `${JSON.stringify(r)}\n`,
        reportFileName: r.index === null ? 'tlog-proof-report.json' : `tlog-proof-${r.index}-report.json`,
      };
    }
    case 'checkpoint': {
      const v = outcome.verdict;
      // As `ledger verify-checkpoint --json`: the raw root bytes are not part of the report.
      const transcript = v.ok ? checkpointText(v.checkpoint) : `    ${v.problem.code}: ${v.problem.message}\nRESULT: NOT VERIFIED\n`;
      const json = v.ok ? { ok: true, checkpoint: { origin: v.checkpoint.origin, treeSize: v.checkpoint.treeSize, rootHash: v.checkpoint.rootHash } } : { ok: false, problems: [v.problem] };
      return {
        ok: v.ok,
        heading: v.ok ? `VERIFIED: checkpoint of tree size ${v.checkpoint.treeSize}` : 'NOT VERIFIED: checkpoint',
        findings: v.ok ? [] : [{ subject: 'checkpoint', problems: [v.problem] }],
        unlisted: 0,
        summary: transcript,
        transcript,
        json: `${JSON.stringify(json)}\n`,
        reportFileName: v.ok ? `checkpoint-${v.checkpoint.treeSize}-report.json` : 'checkpoint-report.json',
      };
    }
  }
}

function bundleView(report: Extract<VerifyOutcome, { kind: 'bundle' }>['report']): ResultView {
  const s = report.summary;
  const findings: Finding[] = report.problems.length === 0 ? [] : [{ subject: 'bundle', problems: report.problems }];
  const failed = report.entries.filter((e) => !e.ok);
  for (const e of failed.slice(0, MAX_LISTED_FAILURES)) {
    findings.push({ subject: e.index === null ? 'entry ?' : `entry ${e.index}`, problems: e.problems });
  }
  const scope = s.period ? `period ${s.period}` : s.anchor ? `tree size ${s.anchor.treeSize}` : null;
  // Redacted entries are checked by hash and reported as such, never as failures (contract, "Redaction").
  const redacted = s.redacted > 0 ? `, ${count(s.redacted, 'entry', 'entries')} redacted` : '';
  // An open period's bundle is anchored at the latest checkpoint, not a close: say so first.
  const provisional = s.provisional ? ' (PROVISIONAL: period still open, not a close)' : '';
  const control = s.control?.report ? `, control ${s.control.report.controlId}: ${s.control.report.result}` : '';
  const checked = `${count(s.entries, 'entry', 'entries')} checked${scope ? `, ${scope}` : ''}${redacted}${provisional}${control}`;
  const heading = report.ok
    ? `VERIFIED: evidence bundle, ${checked}`
    : `NOT VERIFIED: evidence bundle, ${checked}, ${count(s.failures, 'entry', 'entries')} failed${report.problems.length > 0 ? `, ${count(report.problems.length, 'bundle problem')}` : ''}`;
  return {
    ok: report.ok,
    heading,
    findings,
    unlisted: Math.max(0, failed.length - MAX_LISTED_FAILURES),
    summary: summaryText(s),
    transcript: `${report.entries.map(entryLine).join('')}${bundleProblemsText(report.problems)}${summaryText(s)}`,
    json: `${JSON.stringify(report)}\n`,
    reportFileName: `evidence-bundle-${s.period ?? (s.anchor ? String(s.anchor.treeSize) : 'unverified')}-report.json`,
  };
}
