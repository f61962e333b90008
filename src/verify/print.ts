/** How `ledger verify` and friends say what they found, for a person reading a terminal. */
import type { EvidenceRecord } from '../evidence/index.js';
import type { BundleSummary, EntryVerdict, Problem, TlogProofReport, VerifiedCheckpoint } from './index.js';

function problemLines(problems: readonly Problem[]): string {
  return problems.map((p) => `    ${p.code}: ${p.message}\n`).join('');
}

/**
 * An entry's lines in a person's transcript: a failed entry with its problems; nothing for a
 * verified one, which the summary counts by record type (a bundle may hold 100,000 of them;
 * `ledger verify --records` lists them with {@link recordLine}).
 */
export function entryLine(v: EntryVerdict): string {
  const name = v.index === null ? 'entry ?' : `entry ${v.index}`;
  const late = v.late ? ' (late)' : '';
  if (v.redacted) {
    const how = `redacted by entry ${v.redacted.by} (leaf hash, inclusion and the next prev checked)`;
    return v.ok ? `  ${name}: ${how}\n` : `  ${name}: FAILED, ${how}\n${problemLines(v.problems)}`;
  }
  return v.ok ? '' : `  ${name}: FAILED${late}\n${problemLines(v.problems)}`;
}

/**
 * A verified entry as a person reads it (`ledger verify --records`): what the record says, not
 * only that its proofs hold.
 */
export function recordLine(v: EntryVerdict, record: EvidenceRecord): string {
  const late = v.late ? ' (late)' : '';
  return `  entry ${v.index}: ok${late}: ${record.type} ${record.controlId} on ${record.system}, ${record.actor.id} -> ${record.subject.id}, occurred ${record.occurredAt}\n`;
}

export function bundleProblemsText(problems: readonly Problem[]): string {
  return problems.length === 0 ? '' : `bundle: FAILED\n${problemLines(problems)}`;
}

export function summaryText(s: BundleSummary): string {
  const filters = Object.entries(s.query).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)';
  const lines = [
    `query: ${filters}`,
    `anchor: ${s.anchor ? `tree size ${s.anchor.treeSize}, root ${s.anchor.rootHash}` : 'NOT VERIFIED'}`,
    `latest: ${s.latest ? `tree size ${s.latest.treeSize}, root ${s.latest.rootHash}` : 'NOT VERIFIED'}`,
    `entries: ${s.entries} checked, ${s.failures} failed, ${s.late} late${s.redacted ? `, ${s.redacted} redacted` : ''}`,
    `records verified: ${Object.entries(s.records).map(([type, n]) => `${n} ${type}`).join(', ') || 'none'}`,
    completenessLine(s),
    ...signatureLines(s),
    s.ok ? 'RESULT: VERIFIED' : 'RESULT: NOT VERIFIED',
  ];
  if (s.period) lines.splice(1, 0, `period: ${s.period} (entries proved against its close checkpoint)`);
  if (s.provisional) {
    lines.splice(1, s.period ? 1 : 0, `PROVISIONAL: period ${s.period ?? '?'} is still open; entries are proved against the latest checkpoint, not a close, and more may arrive before it closes (none can change)`);
  }
  if (s.control) lines.splice(lines.length - 1, 0, ...controlLines(s.control));
  return `${lines.join('\n')}\n`;
}

function signatureLines(s: BundleSummary): string[] {
  const { verified, unchecked } = s.signatures;
  if (verified === 0 && unchecked === 0) return [];
  const line = `signatures: ${verified} verified under keys registered in the bundle`;
  return [unchecked ? `${line}; ${unchecked} not checked (their key was registered before the bundle's first entry)` : line];
}

/** A report bundle: the recomputed report, per rule the exceptions with their entries, and the sample. */
function controlLines(c: NonNullable<BundleSummary['control']>): string[] {
  const r = c.report;
  if (!r) return ['report: could not be recomputed'];
  const types = Object.entries(r.population.byType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
  const lines = [
    `report: ${r.controlId} ${r.period}${r.provisional ? ' (PROVISIONAL, as of ' + r.asOf + ')' : ''}: ${r.result.toUpperCase()}` +
      `, ${c.matches ? 'recomputed from the entries and equal to the one served' : 'DIFFERS from the one served'}`,
    `  definition: ${r.definition === null ? 'none (no control record)' : `entry ${r.definition}`}`,
    `  population: ${r.population.count} entries (${types}); ${c.complete ? 'proved complete by the anchor checkpoint\'s signed control heads' : 'NOT proved complete'}`,
  ];
  const byRule = new Map<string, string[]>();
  for (const e of r.exceptions) {
    const what = [e.credentialId && `credential ${e.credentialId}`, e.exceptionId && `exception ${e.exceptionId}`, e.due && `due ${e.due}`].filter(Boolean).join(', ');
    byRule.set(e.rule, [...(byRule.get(e.rule) ?? []), `entry ${e.index}${what ? ` (${what})` : ''}`]);
  }
  for (const [rule, items] of byRule) lines.push(`  ${rule}: ${items.length} exception(s): ${items.join('; ')}`);
  if (c.sample) lines.push(`  sample (nonce ${c.sample.nonce}, size ${c.sample.size}): entries ${c.sample.sample.map((x) => x.index).join(', ') || 'none'}`);
  return lines;
}

function completenessLine(s: BundleSummary): string {
  if (!s.anchor) return 'completeness: unknown (no signed anchor)';
  if (s.control?.complete) return "completeness: the control's whole history, proved by the anchor checkpoint's signed control heads";
  return s.complete
    ? 'completeness: no record filters, so every entry of the range had to be present'
    : 'completeness: record filters were used; entries left out by the producer cannot be detected';
}

export function checkpointText(cp: VerifiedCheckpoint): string {
  const witnesses = (cp.cosignatures ?? []).map((w) => `cosigned by ${w.witness} (${w.name}) at ${new Date(w.timestamp * 1000).toISOString()}\n`).join('');
  return `checkpoint verified\norigin: ${cp.origin}\ntree size: ${cp.treeSize}\nroot: ${cp.rootHash}\n${witnesses}RESULT: VERIFIED\n`;
}

export function tlogProofText(r: TlogProofReport): string {
  const lines: string[] = [];
  if (r.index !== null) lines.push(`entry: ${r.index}`);
  if (r.leafHash) lines.push(`leaf hash: ${r.leafHash}`);
  if (r.checkpoint) lines.push(`checkpoint: tree size ${r.checkpoint.treeSize}, root ${r.checkpoint.rootHash}`);
  if (r.entry) {
    const rec = r.entry.record;
    lines.push(`record: ${rec.type} ${rec.controlId} on ${rec.system}, received ${r.entry.receivedAt} from ${r.entry.source}`);
  }
  const body = lines.map((l) => `${l}\n`).join('');
  return r.ok ? `${body}RESULT: VERIFIED\n` : `${body}${problemLines(r.problems)}RESULT: NOT VERIFIED\n`;
}
