/** The benchmark report: one table of figures beside their baselines, then the same as JSON. */
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import type { Figure } from './bench-common.js';

export interface Machine {
  node: string;
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average: above the core count, other work shared the machine. */
  loadAverage: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    os: `${osType()} ${release()}`,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** Three significant digits, thousands separated: enough to compare, not so many they look exact. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function targetCell(f: Figure): string {
  if (!f.target) return '';
  return `${f.met === undefined ? '' : f.met ? 'met: ' : 'MISSED: '}${f.target}`;
}

/** A Markdown table (so the same text goes into docs/performance.md unchanged). */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['suite', 'figure', 'value', 'unit', 'baseline', 'baseline value', 'ratio', 'target'];
  const rows = figures.map((f) => [
    f.suite,
    f.name,
    formatNumber(f.value),
    f.unit,
    f.baselineName,
    formatNumber(f.baseline),
    `${formatNumber(f.ratio)}x`,
    targetCell(f),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([2, 5, 6]);
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function report(figures: readonly Figure[], notes: readonly string[], startedAt: Date, atStart: Machine): { table: string; json: string } {
  const json = JSON.stringify({ startedAt: startedAt.toISOString(), machine: atStart, loadAverageAtEnd: machine().loadAverage, notes, figures }, null, 2);
  return { table: formatTable(figures), json };
}
