/**
 * A private PostgreSQL cluster in a folder of its own: the one the tests start
 * (test/support/postgres.ts) and a newcomer's dev server (scripts/pg-dev.mjs). It uses the
 * server binaries of Debian's `postgresql` package (PATH first, then /usr/lib/postgresql/N/bin,
 * newest first). As root, PostgreSQL refuses to run, so initdb and the server run as the
 * `postgres` system user (runuser, else setpriv) and the folder is handed to that user.
 *
 * Password authentication (SCRAM) even on 127.0.0.1: the machine is shared. fsync and
 * synchronous_commit stay on: the ledger's durability tests must mean what they say.
 *
 * Synchronous on purpose: a test decides at collection time whether it can run (describe.skipIf).
 * Plain JavaScript so that scripts/pg-dev.mjs runs before anything is built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres'];
/** The settings every cluster of ours runs with (appended to postgresql.conf by initCluster). */
const SETTINGS = {
  listen_addresses: "'127.0.0.1'",
  fsync: 'on',
  synchronous_commit: 'on',
  max_connections: '200',
  shared_buffers: "'32MB'",
};

/** The folder holding initdb, pg_ctl and postgres, or why there is none. */
export function findServerBinaries() {
  const fromPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  let versioned = [];
  try {
    versioned = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    // No Debian layout: PATH only.
  }
  for (const dir of [...fromPath, ...versioned]) {
    if (SERVER_BINARIES.every((b) => existsSync(path.join(dir, b)))) return { dir };
  }
  return { reason: 'no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in /usr/lib/postgresql/*/bin: apt-get install postgresql' };
}

/** The command prefix that runs a program as the user the server runs as ([] unless root), or why none. */
export function serverUserPrefix() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [], uid: undefined, gid: undefined };
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    return { reason: "running as root and there is no 'postgres' system user to run PostgreSQL as (PostgreSQL refuses root)" };
  }
  const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  const prefix = has('runuser')
    ? ['runuser', '-u', 'postgres', '--']
    : has('setpriv')
      ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups']
      : undefined;
  if (!prefix) return { reason: 'running as root without runuser or setpriv to drop to the postgres user' };
  return { prefix, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (another process may take it: start retries). */
export function freePort() {
  const probe = spawnSync(process.execPath, ['-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
  { encoding: 'utf8' });
  const port = Number(probe.stdout);
  if (probe.status !== 0 || !Number.isInteger(port) || port <= 0) throw new Error(`cannot find a free port: ${probe.stderr}`);
  return port;
}

/**
 * The port a new development cluster listens on, from PG_DEV_PORT: unset, 54329; 0, a free one (as
 * PORT=0 means for the ledger); a port that is taken, a free one too. Throws for anything else.
 */
export function devClusterPort(setting, isFree, pickFree = freePort) {
  if (setting !== undefined && (!/^\d{1,5}$/.test(setting) || Number(setting) > 65535)) {
    throw new Error(`PG_DEV_PORT must be a port number from 0 to 65535 (0: a free one), not ${JSON.stringify(setting)}`);
  }
  const wanted = setting === undefined ? 54329 : Number(setting);
  return wanted !== 0 && isFree(wanted) ? wanted : pickFree();
}

function run(user, command, args, what) {
  const [program, ...rest] = [...user.prefix, command, ...args];
  const r = spawnSync(program, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || String(r.error ?? `exit ${r.status}`)).trim();
    throw new Error(`${what} failed: ${why}`);
  }
  return r.stdout;
}

function handOver(user, file) {
  if (user.uid !== undefined) chownSync(file, user.uid, user.gid);
}

/**
 * Creates a cluster in `dir`/data (dir must exist and be empty of a cluster) whose superuser
 * `postgres` has a random password; its unix socket goes in `dir`. Returns the password.
 */
export function initCluster({ dir, bin, user }) {
  const password = randomBytes(18).toString('hex');
  const pwfile = path.join(dir, 'pwfile');
  handOver(user, dir);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  handOver(user, pwfile);
  try {
    run(user, path.join(bin, 'initdb'), [
      '-D', path.join(dir, 'data'), '-U', 'postgres', `--pwfile=${pwfile}`,
      '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], 'initdb');
  } finally {
    rmSync(pwfile, { force: true });
  }
  const settings = { ...SETTINGS, unix_socket_directories: `'${dir}'` };
  const conf = path.join(dir, 'data', 'postgresql.conf');
  writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n# evidence-ledger (scripts/pg-cluster.mjs)\n${
    Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`);
  return password;
}

/** True when the cluster in `dir` answers (pg_ctl status). */
export function clusterRunning({ dir, bin, user }) {
  const [program, ...rest] = [...user.prefix, path.join(bin, 'pg_ctl'), 'status', '-D', path.join(dir, 'data')];
  return spawnSync(program, rest, { stdio: 'ignore' }).status === 0;
}

/**
 * Starts the cluster in `dir` on `port` (or a free one, retried when another process took it
 * first) and waits until it accepts connections. Returns the port.
 */
export function startCluster({ dir, bin, user, port }) {
  const log = path.join(dir, 'server.log');
  for (let attempt = 1; ; attempt++) {
    const p = port ?? freePort();
    try {
      run(user, path.join(bin, 'pg_ctl'), ['start', '-D', path.join(dir, 'data'), '-l', log, '-w', '-t', '60', '-o', `-p ${p}`], 'pg_ctl start');
      return p;
    } catch (err) {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
      if (port !== undefined || attempt >= 3 || !/could not (bind|create listen)/i.test(text)) {
        throw new Error(`${err.message}\n${text.split('\n').slice(-8).join('\n')}`);
      }
    }
  }
}

/** Stops the cluster in `dir` (fast shutdown: clients are disconnected, nothing is lost). */
export function stopCluster({ dir, bin, user }) {
  if (!existsSync(path.join(dir, 'data', 'postmaster.pid'))) return;
  run(user, path.join(bin, 'pg_ctl'), ['stop', '-D', path.join(dir, 'data'), '-m', 'fast', '-w', '-t', '60'], 'pg_ctl stop');
}

/** postgres://user:password@127.0.0.1:port/database */
export function clusterUrl({ port, password, database = 'postgres', user = 'postgres' }) {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Starts a detached process that stops the cluster and removes its folder and `dirs` once process
 * `ownerPid` is gone: a test run that is killed never runs its teardown, and its cluster must not
 * outlive it. It exits by itself when the cluster's folder disappears (a normal teardown).
 */
export function stopWhenGone(cluster, ownerPid, dirs = []) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--stop-when-gone', JSON.stringify({ cluster, ownerPid, dirs })], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

if (process.argv[2] === '--stop-when-gone' && process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { cluster, ownerPid, dirs } = JSON.parse(process.argv[3]);
  const timer = setInterval(() => {
    if (!existsSync(path.join(cluster.dir, 'data'))) {
      clearInterval(timer);
      return;
    }
    if (isAlive(ownerPid)) return;
    clearInterval(timer);
    try {
      stopCluster(cluster);
    } catch {
      // Already stopped, or not stoppable: its folder goes anyway, and PostgreSQL stops when its data folder is gone.
    } finally {
      for (const dir of [cluster.dir, ...dirs]) rmSync(dir, { recursive: true, force: true });
    }
  }, 500);
}
