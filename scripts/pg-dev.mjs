#!/usr/bin/env node
/**
 * A PostgreSQL for development, kept in ./data/pg (README, "PostgreSQL"): created the first time,
 * started when it is not running, and its LEDGER_DATABASE_URL printed. It survives restarts; the
 * tests never use it (they start a throwaway cluster of their own).
 *
 *   npm run pg:dev              start (creating it the first time); prints the URL
 *   npm run pg:dev -- stop      stop it
 *   npm run pg:dev -- status    say whether it runs, and its URL
 *
 * PG_DEV_PORT chooses the port when the cluster is created (default 54329, else a free one; 0: a free one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { clusterRunning, clusterUrl, devClusterPort, findServerBinaries, initCluster, serverUserPrefix, startCluster, stopCluster } from './pg-cluster.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, 'data', 'pg');
const SETTINGS_FILE = path.join(DIR, 'dev.json');
const DATABASE = 'ledger';

function fail(message) {
  console.error(`pg:dev: ${message}`);
  process.exit(1);
}

function portIsFree(port) {
  const probe = spawnSync(process.execPath, ['-e',
    `require('net').createServer().once('error',()=>process.exit(1)).listen(${port},'127.0.0.1',function(){this.close()})`]);
  return probe.status === 0;
}

const command = process.argv[2] ?? 'start';
if (!['start', 'stop', 'status'].includes(command)) fail(`unknown command ${command}: start, stop or status`);

const bin = findServerBinaries();
if (bin.reason) fail(bin.reason);
const user = serverUserPrefix();
if (user.reason) fail(user.reason);
const cluster = { dir: DIR, bin: bin.dir, user };
const created = existsSync(SETTINGS_FILE);

if (command === 'stop') {
  if (created && clusterRunning(cluster)) stopCluster(cluster);
  console.log('pg:dev: stopped');
  process.exit(0);
}
if (command === 'status') {
  if (!created) fail(`no cluster in ${DIR} yet: npm run pg:dev`);
  const { port, password } = JSON.parse(readFileSync(SETTINGS_FILE, 'utf8'));
  console.log(`${clusterRunning(cluster) ? 'running' : 'stopped'}: LEDGER_DATABASE_URL=${clusterUrl({ port, password, database: DATABASE })}`);
  process.exit(0);
}

if (!created) {
  mkdirSync(DIR, { recursive: true });
  if (user.prefix.length > 0 && spawnSync(user.prefix[0], [...user.prefix.slice(1), 'test', '-x', path.dirname(DIR)]).status !== 0) {
    fail(`the postgres user cannot reach ${DIR} (a parent folder is closed to it); run from a checkout it can read`);
  }
  let port;
  try {
    port = devClusterPort(process.env.PG_DEV_PORT, portIsFree);
  } catch (err) {
    fail(err.message);
  }
  const password = initCluster(cluster);
  writeFileSync(SETTINGS_FILE, JSON.stringify({ port, password }), { mode: 0o600 });
}
const { port, password } = JSON.parse(readFileSync(SETTINGS_FILE, 'utf8'));
if (!clusterRunning(cluster)) {
  try {
    startCluster({ ...cluster, port });
  } catch (err) {
    fail(`${err.message}\n(is port ${port} taken? stop what holds it, or remove ${DIR} and set PG_DEV_PORT)`);
  }
}
const admin = new pg.Client({ connectionString: clusterUrl({ port, password }) });
await admin.connect();
try {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE} ENCODING 'UTF8' TEMPLATE template0`);
} finally {
  await admin.end();
}
console.log(`PostgreSQL is running from ${path.relative(process.cwd(), DIR) || '.'} (npm run pg:dev -- stop to stop it). Use:`);
console.log(`LEDGER_DATABASE_URL=${clusterUrl({ port, password, database: DATABASE })}`);
