#!/usr/bin/env node
/**
 * What the "indexes are dense" rule costs an append on PostgreSQL: the same batches inserted into
 * `entries` as migrations/postgres/ define it (one check per statement), into a copy checked per
 * row the way SQLite's trigger does (`NEW.idx = max(idx) + 1`), and into a copy with no check.
 *
 *   node scripts/bench-pg-dense.mjs [--rows 100000] [--batch 1000] [--rounds 2]
 *
 * Starts a throwaway cluster (scripts/pg-cluster.mjs; fsync on), or uses LEDGER_BENCH_POSTGRES_URL
 * (a superuser URL: it creates and drops a database). Each batch is one autocommitted INSERT.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { clusterUrl, findServerBinaries, initCluster, serverUserPrefix, startCluster, stopCluster } from './pg-cluster.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, batch: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '2' } } });
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);

const ROW_CHECK = `
CREATE TABLE entries_row_check (LIKE entries INCLUDING ALL);
CREATE FUNCTION entries_row_check() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.idx IS DISTINCT FROM (SELECT COALESCE(max(idx) + 1, 0) FROM entries_row_check) THEN
    RAISE EXCEPTION 'entries: index must be the next one (append-only log)';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER entries_row_check BEFORE INSERT ON entries_row_check FOR EACH ROW EXECUTE FUNCTION entries_row_check();
CREATE TABLE entries_unchecked (LIKE entries INCLUDING ALL);`;

const insert = (table) => `INSERT INTO ${table} SELECT g, convert_to(repeat('x', 600), 'UTF8'), sha256(int8send(g)),
  '2026-09-14T02:00:00.000Z', 'ci-pipeline', 'rotation', 'ITGC-AC-07', 'payments-api-prod', 'vault-rotator', 'svc', '2026-09-14T02:00:00Z'
  FROM generate_series($1::bigint, $2::bigint) g`;

async function server() {
  if (process.env.LEDGER_BENCH_POSTGRES_URL) return { url: process.env.LEDGER_BENCH_POSTGRES_URL, stop() {} };
  const bin = findServerBinaries();
  if (bin.reason) throw new Error(bin.reason);
  const user = serverUserPrefix();
  if (user.reason) throw new Error(user.reason);
  const cluster = { dir: mkdtempSync(path.join(tmpdir(), 'ledger-pg-bench-')), bin: bin.dir, user };
  const stop = () => {
    try {
      stopCluster(cluster);
    } finally {
      rmSync(cluster.dir, { recursive: true, force: true });
    }
  };
  try {
    const password = initCluster(cluster);
    return { url: clusterUrl({ port: startCluster(cluster), password }), stop };
  } catch (err) {
    stop();
    throw err;
  }
}

const srv = await server();
const database = `ledger_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: srv.url });
let c;
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} ENCODING 'UTF8' TEMPLATE template0`);
  const url = new URL(srv.url);
  url.pathname = `/${database}`;
  c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  const dir = path.join(ROOT, 'migrations', 'postgres');
  for (const f of readdirSync(dir).filter((n) => /^\d{3}_.*\.sql$/.test(n)).sort()) {
    await c.query(`BEGIN; ${readFileSync(path.join(dir, f), 'utf8')}; COMMIT`);
  }
  await c.query(ROW_CHECK);
  const tables = { entries: 'per statement (migrations/postgres)', entries_row_check: "per row (SQLite's rule)", entries_unchecked: 'no check' };
  const totals = Object.fromEntries(Object.keys(tables).map((t) => [t, 0]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const table of Object.keys(tables)) {
      const from = round * ROWS;
      const started = process.hrtime.bigint();
      for (let lo = from; lo < from + ROWS; lo += BATCH) await c.query(insert(table), [lo, Math.min(lo + BATCH, from + ROWS) - 1]);
      totals[table] += Number(process.hrtime.bigint() - started) / 1e3;
    }
  }
  const perRow = (t) => totals[t] / (ROWS * ROUNDS);
  console.log(`${ROWS * ROUNDS} rows per table in batches of ${BATCH}, ${ROUNDS} interleaved rounds (machine shared: compare within one run)`);
  for (const [table, what] of Object.entries(tables)) {
    console.log(`${what.padEnd(38)} ${perRow(table).toFixed(1).padStart(7)} us/row   x${(perRow(table) / perRow('entries_unchecked')).toFixed(2)} of no check`);
  }
} finally {
  await c?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  srv.stop();
}
