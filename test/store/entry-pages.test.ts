/**
 * A page of a listing starts at its cursor: SQLite seeks straight to the first index after
 * `afterIndex`. Given two lower bounds (`idx >= ? AND idx > ?`) it seeks on one and tests the
 * other row by row, so a page deep in the log read every row before it and a bundle, read a
 * page at a time, cost O(n^2) (at 100,000 entries its last page read 99,000 rows). Checked on
 * the program SQLite runs for the statement (EXPLAIN), so no clock is involved.
 */
import type { Statement } from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store, type EntryRow } from '../../src/store/index.js';

const SIZE = 600;

function row(index: number): EntryRow {
  return {
    index,
    leaf: new TextEncoder().encode(`leaf-${index}`),
    leafHash: new Uint8Array(32).fill(index % 251),
    receivedAt: new Date(Date.UTC(2026, 8, 14, 2, 0, 0, index)).toISOString(),
    source: 'ci',
    type: 'rotation',
    controlId: 'ITGC-AC-04',
    system: 'okta-prod',
    actorId: 'alice@example.com',
    subjectId: 'svc-a',
    occurredAt: '2026-09-14T02:00:00Z',
  };
}

interface Run {
  sql: string;
  args: unknown[];
}

/** The store with SIZE entries (none indexed: the listing scans `entries`), recording the statements it runs. */
function recordingStore(): { store: Store; runs: Run[] } {
  const store = Store.open(':memory:');
  store.transaction(() => store.log.append(Array.from({ length: SIZE }, (_, i) => row(i)), []));
  const runs: Run[] = [];
  const prepare = store.db.prepare.bind(store.db);
  vi.spyOn(store.db, 'prepare').mockImplementation(((sql: string) => {
    const stmt = prepare(sql);
    const all = stmt.all.bind(stmt);
    stmt.all = ((...args: unknown[]) => {
      runs.push({ sql, args });
      return all(...args);
    }) as Statement['all'];
    return stmt;
  }) as typeof store.db.prepare);
  return { store, runs };
}

/** The first index SQLite's program seeks to on a rowid cursor: the bound it reads no row below. */
function seekStart(store: Store, run: Run): number {
  const program = store.db.prepare(`EXPLAIN ${run.sql}`).all(...run.args) as { opcode: string; p1: number; p2: number; p3: number }[];
  const seeks = program.filter((op) => op.opcode === 'SeekGE' || op.opcode === 'SeekGT');
  expect(seeks).toHaveLength(1);
  const seek = seeks[0]!;
  const load = program.find((op) => op.opcode === 'Variable' && op.p2 === seek.p3);
  if (!load) throw new Error(`no parameter feeds the seek of ${run.sql}`);
  const bound = Number(run.args[load.p1 - 1]);
  return seek.opcode === 'SeekGT' ? bound + 1 : bound;
}

describe('entry pages', () => {
  afterEach(() => vi.restoreAllMocks());

  it('seek to the entry after the cursor, however deep in the log', () => {
    const { store, runs } = recordingStore();
    try {
      for (const after of [-1, 0, 255, 511, SIZE - 2]) {
        runs.length = 0;
        const page = store.log.list({ afterIndex: after, beforeIndex: SIZE }, 256);
        expect(page[0]?.index).toBe(after + 1);
        const scans = runs.filter((r) => /FROM entries WHERE/.test(r.sql));
        expect(scans).toHaveLength(1);
        expect(seekStart(store, scans[0]!)).toBe(after + 1);
      }
    } finally {
      store.close();
    }
  });
});
