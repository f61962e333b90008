/** Control reports as text tables for a person (`ledger report`); the JSON form is the report itself. */
import type { ControlReport, PeriodReportSummary } from './types.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function anchorLine(r: { provisional: boolean; asOf: string; anchor: { treeSize: number; rootHash: string } }): string {
  const kind = r.provisional ? 'latest checkpoint (PROVISIONAL: the period is still open)' : 'period close';
  return `as of ${r.asOf}; anchored at the ${kind}: tree size ${r.anchor.treeSize}, root ${r.anchor.rootHash}\n`;
}

export function summaryTable(s: PeriodReportSummary): string {
  const rows = s.controls.map((c) => [c.controlId, c.definition === null ? '-' : String(c.definition), String(c.population), String(c.exceptions), c.result]);
  return `period ${s.period}: ${s.controls.length} control(s)\n${anchorLine(s)}\n` +
    table(['control', 'definition', 'population', 'exceptions', 'result'], rows);
}

export function reportTable(r: ControlReport): string {
  const types = Object.entries(r.population.byType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
  const head =
    `control ${r.controlId}, period ${r.period}: ${r.result.toUpperCase()}\n${anchorLine(r)}` +
    `definition: ${r.definition === null ? 'none (no control record: no rule ran)' : `entry ${r.definition}`}\n` +
    `population: ${r.population.count} entries (${types})\n`;
  if (r.exceptions.length === 0) return `${head}exceptions: none\n`;
  const rows = r.exceptions.map((e) => [e.rule, String(e.index), e.credentialId ?? e.exceptionId ?? '', e.due ?? '']);
  return `${head}exceptions: ${r.exceptions.length}\n\n${table(['rule', 'entry', 'credential / exception', 'due'], rows)}`;
}
