/**
 * A real PostgreSQL for tests. One throwaway cluster serves the whole vitest run: the first test
 * file that asks starts it (under a lock, in the folder test/support/postgres-setup.ts provides),
 * every other worker finds it there, and the run's global teardown stops it (a run that is killed
 * never tears down: then a watchdog does, scripts/pg-cluster.mjs stopWhenGone). Each test file or
 * case takes a database of its own with freshDatabase().
 *
 *   const skip = postgresAvailable();
 *   describe.skipIf(skip)('… on PostgreSQL', () => { … await freshDatabase() … });
 *
 * LEDGER_TEST_DATABASE_URL=postgres://user:pw@host:port/db uses that server instead (the same
 * variable test/support/pg-schema.ts reads; CREATE DATABASE and CREATE ROLE rights needed).
 * postgresServerUrl() hands the run's server to helpers that make schemas rather than databases.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { clusterUrl, findServerBinaries, initCluster, serverUserPrefix, startCluster, stopWhenGone, type Cluster } from '../../scripts/pg-cluster.mjs';
import { CLUSTER_FILE } from './postgres-setup.js';

declare module 'vitest' {
  interface ProvidedContext {
    ledgerPostgresRunDir: string;
    /** The vitest process: when it is gone, the cluster goes too (stopWhenGone). */
    ledgerPostgresOwnerPid: number;
  }
}

/** What the starting worker wrote: the superuser URL of the `postgres` database, or why there is none. */
interface ServerState {
  url?: string;
  reason?: string;
}

const STATE_FILE = 'state.json';
const START_LOCK = 'starting';
const START_DEADLINE_MS = 120_000;

let state: ServerState | undefined;
let databases = 0;

/** undefined when PostgreSQL tests can run; otherwise why not (printed once per worker). */
export function postgresAvailable(): string | undefined {
  if (!state) {
    state = locate();
    if (state.reason) console.warn(`PostgreSQL tests skipped: ${state.reason}`);
  }
  return state.reason;
}

/** The run's server as a superuser URL (started on first use), or undefined when unavailable (see postgresAvailable). */
export function postgresServerUrl(): string | undefined {
  return postgresAvailable() === undefined ? state!.url : undefined;
}

/** A new empty database (UTF8) on the run's server; `url` connects to it as superuser; drop() removes it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const reason = postgresAvailable();
  if (reason !== undefined) throw new Error(`PostgreSQL is not available: ${reason}`);
  const admin = state!.url!;
  const name = `ledger_test_${process.pid}_${++databases}_${randomBytes(4).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Runs `fn` on a fresh connection to `url` and closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function locate(): ServerState {
  const external = process.env.LEDGER_TEST_DATABASE_URL;
  if (external) return { url: external };
  let runDir: string | undefined;
  try {
    runDir = inject('ledgerPostgresRunDir');
  } catch {
    runDir = undefined;
  }
  if (!runDir) return { reason: 'no run folder: vitest.config.ts must list test/support/postgres-setup.ts in globalSetup' };
  const stateFile = path.join(runDir, STATE_FILE);
  if (existsSync(stateFile)) return readState(stateFile);
  mkdirSync(runDir, { recursive: true });
  try {
    mkdirSync(path.join(runDir, START_LOCK));
  } catch {
    return waitForState(stateFile);
  }
  let result: ServerState;
  try {
    result = start(runDir);
  } catch (err) {
    result = { reason: `could not start a PostgreSQL cluster: ${(err as Error).message}` };
  }
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(result));
  renameSync(`${stateFile}.tmp`, stateFile);
  return result;
}

function start(runDir: string): ServerState {
  const bin = findServerBinaries();
  if (bin.reason !== undefined) return { reason: bin.reason };
  const user = serverUserPrefix();
  if (user.reason !== undefined) return { reason: user.reason };
  const cluster: Cluster = { dir: mkdtempSync(path.join(tmpdir(), 'ledger-pg-')), bin: bin.dir, user };
  writeFileSync(path.join(runDir, CLUSTER_FILE), JSON.stringify(cluster));
  try {
    const password = initCluster(cluster);
    const port = startCluster(cluster);
    const owner = inject('ledgerPostgresOwnerPid');
    if (owner) stopWhenGone(cluster, owner, [runDir]);
    return { url: clusterUrl({ port, password }) };
  } catch (err) {
    return { reason: `could not start a PostgreSQL cluster: ${(err as Error).message}` };
  }
}

function readState(file: string): ServerState {
  return JSON.parse(readFileSync(file, 'utf8')) as ServerState;
}

/** Another worker is starting the cluster: poll for its result (collection is synchronous, so sleep synchronously). */
function waitForState(file: string): ServerState {
  const deadline = Date.now() + START_DEADLINE_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline) {
    if (existsSync(file)) return readState(file);
    Atomics.wait(pause, 0, 0, 50);
  }
  return { reason: `another test worker did not finish starting PostgreSQL within ${START_DEADLINE_MS / 1000} s` };
}
