/**
 * An analysis, not one of the issue's suites (`npm run bench -- --only indexes`): what each
 * secondary index on `entries` (as the migrations leave them) costs an append. The same rows (built by the sequencer) are
 * inserted into the real migrated schema with the same durability and transaction size, first
 * with every index, then without one index at a time, then with none. CPU time per row is
 * reported beside wall time, since a busy machine stretches the latter.
 */
import path from 'node:path';
import { Store } from '../src/store/index.js';
import { BENCH_SETTINGS, figure, openBenchLedger, withTempDir, type Figure } from './bench-common.js';
import { validRecords } from './bench-sequencer.js';

const SUITE = 'indexes';

/** The secondary indexes on `entries` that the migrations leave, read from the schema itself. */
function entryIndexes(store: Store): string[] {
  const rows = store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entries' AND sql IS NOT NULL ORDER BY name").pluck().all();
  return rows as string[];
}

interface Variant {
  name: string;
  drop: readonly string[];
}

type Row = Record<string, unknown>;

export async function benchIndexes({ rows: count }: { rows: number }, notes: string[]): Promise<Figure[]> {
  return withTempDir(async (dir) => {
    const source = path.join(dir, 'source.db');
    const rows = await sequencerRows(source, count);
    const store = Store.open(source, { readonly: true });
    const indexes = entryIndexes(store);
    store.close();
    const variants: Variant[] = [
      { name: 'all indexes', drop: [] },
      ...indexes.map((index) => ({ name: `without ${index}`, drop: [index] })),
      { name: 'no secondary index', drop: indexes },
    ];
    const results = variants.map((v, i) => ({ v, ...insertAll(path.join(dir, `variant-${i}.db`), rows, v.drop) }));
    const all = results[0]!;
    for (const r of results) notes.push(`${r.v.name}: ${r.cpuUsPerRow.toFixed(1)} us CPU/row, ${Math.round(r.rowsPerSecond)} rows/s`);
    return results.slice(1).map((r) =>
      figure({
        suite: SUITE,
        name: `append CPU per row, ${r.v.name} (${count.toLocaleString('en-US')} rows)`,
        unit: 'us/row',
        value: r.cpuUsPerRow,
        baselineName: 'every index the migrations create',
        baseline: all.cpuUsPerRow,
      }),
    );
  });
}

/** Rows exactly as the sequencer writes them. */
async function sequencerRows(file: string, count: number): Promise<Row[]> {
  const { store, ledger } = openBenchLedger(file);
  try {
    const records = validRecords(count);
    for (let i = 0; i < records.length; i += BENCH_SETTINGS.batchMax) {
      await ledger.append('bench', records.slice(i, i + BENCH_SETTINGS.batchMax), undefined, 'batch');
    }
    return store.db.prepare('SELECT * FROM entries ORDER BY idx').all() as Row[];
  } finally {
    ledger.close();
    store.close();
  }
}

function insertAll(file: string, rows: Row[], drop: readonly string[]): { cpuUsPerRow: number; rowsPerSecond: number } {
  const store = Store.open(file);
  try {
    for (const index of drop) store.db.exec(`DROP INDEX ${index}`);
    const columns = Object.keys(rows[0]!);
    const insert = store.db.prepare(`INSERT INTO entries (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < rows.length; i += BENCH_SETTINGS.batchMax) {
      store.transaction(() => {
        for (const row of rows.slice(i, i + BENCH_SETTINGS.batchMax)) insert.run(row);
      });
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return { cpuUsPerRow: (used.user + used.system) / rows.length, rowsPerSecond: rows.length / seconds };
  } finally {
    store.close();
  }
}
