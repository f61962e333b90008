/**
 * docs/prometheus-alerts.yml and docs/grafana-dashboard.json: the rules file has Prometheus's
 * rule-file shape, every expression parses with Prometheus's own PromQL grammar
 * (@prometheus-io/lezer-promql), and every metric they name is one the ledger really exports.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parser } from '@prometheus-io/lezer-promql';
import { createMetrics } from '../../src/metrics/metrics.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';

/** Metric names an expression selects; throws on a syntax error. */
function selectedMetrics(expr: string): string[] {
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
      if (node.type.name === 'Identifier' && node.node.parent?.type.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
    },
  });
  if (errors.length) throw new Error(`PromQL syntax error at ${errors[0]} in: ${expr}`);
  return names;
}

/** Names a scrape of the ledger carries: every sample name, histograms' _bucket/_sum/_count included. */
async function exportedNames(t: TestLedger): Promise<Set<string>> {
  const metrics = createMetrics(t.ledger);
  metrics.appendDone('entry', 'created', ['rotation'], 0.001);
  metrics.requestDone('/v1/proofs/inclusion', 'GET', 200, 0.001);
  metrics.setWitnessLag('w', 1, 1);
  const names = new Set(['up']);
  for (const line of (await metrics.text()).split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (m && !line.startsWith('#')) names.add(m[1]!);
  }
  return names;
}

describe('monitoring samples in docs/', () => {
  let t: TestLedger;
  let exported: Set<string>;
  beforeAll(async () => {
    t = openTestLedger();
    exported = await exportedNames(t);
  });
  afterAll(() => t.cleanup());

  it('the parser finds syntax errors and metric names (so the checks below can fail)', () => {
    expect(() => selectedMetrics('rate(ledger_tree_size[5m]')).toThrow(/syntax error/);
    expect(selectedMetrics('a > 0.8 * b{x="y"}')).toEqual(['a', 'b']);
  });

  it('alert rules: Prometheus rule-file shape, parseable PromQL, metrics the ledger exports, and the issue\'s four alerts', () => {
    const file = parseYaml(readFileSync('docs/prometheus-alerts.yml', 'utf8')) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    expect(Array.isArray(file.groups)).toBe(true);
    const alerts: string[] = [];
    for (const group of file.groups) {
      expect(typeof group.name).toBe('string');
      for (const rule of group.rules) {
        expect(Object.keys(rule).every((k) => ['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(k)), JSON.stringify(rule)).toBe(true);
        expect(typeof rule.alert).toBe('string');
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
        for (const name of selectedMetrics(rule.expr as string)) expect(exported, `${rule.alert} uses ${name}`).toContain(name);
        alerts.push(rule.alert as string);
      }
    }
    expect(alerts).toEqual(expect.arrayContaining(['LedgerCheckpointStale', 'LedgerQueueNearFull', 'LedgerPeriodCloseLate', 'LedgerWitnessBehind']));
  });

  it('Grafana dashboard: JSON whose panel queries parse and name metrics the ledger exports', () => {
    const dash = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dash.panels.length).toBeGreaterThanOrEqual(10);
    const used = new Set<string>();
    for (const panel of dash.panels) {
      for (const target of panel.targets) {
        for (const name of selectedMetrics(target.expr)) {
          expect(exported, `${panel.title} uses ${name}`).toContain(name);
          used.add(name);
        }
      }
    }
    for (const name of ['ledger_append_duration_seconds_bucket', 'ledger_queue_depth', 'ledger_checkpoint_age_seconds', 'ledger_witness_cosignature_lag_seconds']) {
      expect(used).toContain(name);
    }
  });
});
