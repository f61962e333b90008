/**
 * The store's PostgreSQL thread: owns the sessions (node-postgres clients) and answers one
 * request at a time for the main thread, which blocks until the answer is posted (see
 * pg-connection.ts). Three kinds of session:
 * - main: every statement and transaction of the store;
 * - lock: holds the sequencer's advisory lock for as long as this instance leads;
 * - cursor sessions: one per streamed read made outside a transaction, with its own snapshot.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import type { LeaderTermWire, Request, Response, WireError, WorkerData, WorkerEvent } from './protocol.js';
import { vacuumUntilClean, type MaintenanceLevel } from './redaction-vacuum.js';

const { url, flag, port, lockKey } = workerData as WorkerData;
/** The sequencer's advisory lock: (key, this schema), so that logs in different schemas of one database lead apart. */
const LOCK_ARGS = '$1::int, hashtext(current_schema())';
const signal = new Int32Array(flag);

// Indexes, sizes and counts are BIGINT; every one the ledger stores is below 2^53 (contract, "Entries").
const INT8 = 20;
const NUMERIC = 1700;
pg.types.setTypeParser(INT8, toSafeNumber);
pg.types.setTypeParser(NUMERIC, toSafeNumber);

function toSafeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${text} is beyond 2^53`);
  return n;
}

/** Lock-session liveness probe: a half-open connection must not keep a leader that lost its lock. */
const LOCK_PROBE_MS = 1_000;
const LOCK_PROBE_TIMEOUT_MS = 3_000;
/** Idle cursor sessions kept for reuse. */
const IDLE_CURSOR_SESSIONS = 4;

let main: pg.Client | undefined;
let inTransaction = false;
let lock: pg.Client | undefined;
let lockProbe: NodeJS.Timeout | undefined;
let term: LeaderTermWire | undefined;
/** Set once leadership was held and lost: every later write is refused. */
let lostReason: string | undefined;
/** Set by close: maintenance stops retrying. */
let closing = false;

interface Cursor {
  name: string;
  client: pg.Client;
  /** True when the cursor lives in the main session's transaction. */
  shared: boolean;
}
const cursors = new Map<number, Cursor>();
const idleCursorSessions: pg.Client[] = [];
let nextCursor = 1;

function newClient(name: string): pg.Client {
  const client = new pg.Client({ connectionString: url, application_name: `evidence-ledger ${name}`, keepAlive: true });
  // Without a listener an error on an idle client would kill the thread; the next query reports it.
  client.on('error', () => {});
  return client;
}

/**
 * The main session, connected and checked durable. A commit is acknowledged only once
 * PostgreSQL says it is durable: fsync must be on, and synchronous_commit is raised to `on`
 * (which with synchronous replication waits for the standby's flush) when the server runs it
 * lower (off, local, remote_write); remote_apply, stricter, is kept.
 */
async function mainSession(): Promise<pg.Client> {
  if (main) return main;
  const client = newClient('main');
  client.on('end', () => {
    if (main === client) main = undefined;
  });
  await client.connect();
  try {
    const fsync = (await client.query<{ fsync: string }>('SHOW fsync')).rows[0]?.fsync;
    if (fsync !== 'on') throw Object.assign(new Error(`the PostgreSQL server runs with fsync=${fsync}: no commit would be durable`), { code: 'LEDGER_NOT_DURABLE' });
    const sync = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit;
    // remote_write acknowledges once a standby has the commit in memory, not on disk: raised too.
    if (sync === 'off' || sync === 'local' || sync === 'remote_write') await client.query('SET synchronous_commit TO on');
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  main = client;
  return client;
}

async function handle(req: Request): Promise<Response> {
  switch (req.op) {
    case 'connect':
      await mainSession();
      return { ok: true };
    case 'query': {
      const client = await mainSession();
      const r = await client.query({ text: req.sql, values: toPg(req.params), ...(req.array ? { rowMode: 'array' as const } : {}) });
      return { ok: true, rows: r.rows, changes: r.rowCount ?? 0 };
    }
    case 'exec': {
      const client = await mainSession();
      await client.query(req.sql);
      return { ok: true };
    }
    case 'begin':
      return begin(req.write);
    case 'commit':
    case 'rollback': {
      const client = await mainSession();
      inTransaction = false;
      await client.query(req.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
      return { ok: true };
    }
    case 'cursor-open':
      return openCursor(req.sql, req.params, req.array);
    case 'cursor-fetch': {
      const c = cursors.get(req.cursor);
      if (!c) throw new Error(`cursor ${req.cursor} is not open`);
      const r = await c.client.query({ text: `FETCH FORWARD ${req.rows} FROM ${c.name}`, ...(rowModes.get(req.cursor) ? { rowMode: 'array' as const } : {}) });
      return { ok: true, rows: r.rows, done: r.rows.length < req.rows };
    }
    case 'cursor-close':
      await closeCursor(req.cursor);
      return { ok: true };
    case 'lead':
      return { ok: true, term: (await lead(req.holder, req.url, req.startedAt)) ?? null };
    case 'vacuum-redacted':
      void vacuumRedacted();
      return { ok: true };
    case 'close':
      await shutdown();
      return { ok: true };
  }
}

const rowModes = new Map<number, boolean>();

/**
 * BEGIN. A write transaction of a leader first reads the newest term FOR SHARE: a new leader
 * inserts its term under LOCK TABLE ... IN EXCLUSIVE MODE, which waits for every transaction
 * holding that share lock, so once its term is in, no transaction of an older term can commit
 * (the fencing token of issue 16). A store that never led writes nothing.
 */
async function begin(write: boolean): Promise<Response> {
  const client = await mainSession();
  if (write && !term) return notLeader(lostReason ?? 'this instance is not the sequencer (it holds no leader term)');
  await client.query(write ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  inTransaction = true;
  if (write && term) {
    const newest = (await client.query<{ term: number }>('SELECT term FROM leader_terms ORDER BY term DESC LIMIT 1 FOR SHARE')).rows[0]?.term;
    if (newest !== term.term) {
      inTransaction = false;
      await client.query('ROLLBACK');
      loseLeadership(`term ${newest ?? 'none'} replaced this instance's term ${term.term}`);
      return notLeader(lostReason!);
    }
  }
  return { ok: true };
}

function notLeader(message: string): Response {
  return { ok: false, error: { code: 'LEDGER_NOT_LEADER', message } };
}

async function openCursor(sql: string, params: readonly unknown[], array: boolean): Promise<Response> {
  const id = nextCursor++;
  const name = `ledger_cursor_${id}`;
  let client: pg.Client;
  const shared = inTransaction;
  if (shared) {
    client = await mainSession();
  } else {
    client = idleCursorSessions.pop() ?? (await connected(newClient('cursor')));
    // A streamed read sees one snapshot from its first row to its last.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
  await client.query({ text: `DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, values: toPg(params) });
  cursors.set(id, { name, client, shared });
  rowModes.set(id, array);
  return { ok: true, cursor: id };
}

async function connected(client: pg.Client): Promise<pg.Client> {
  await client.connect();
  return client;
}

async function closeCursor(id: number): Promise<void> {
  const c = cursors.get(id);
  if (!c) return;
  cursors.delete(id);
  rowModes.delete(id);
  if (c.shared) {
    // The transaction may already be over (a cursor left open at COMMIT is closed by it).
    if (inTransaction) await c.client.query(`CLOSE ${c.name}`);
    return;
  }
  try {
    await c.client.query('COMMIT');
    if (idleCursorSessions.length < IDLE_CURSOR_SESSIONS) idleCursorSessions.push(c.client);
    else await c.client.end();
  } catch {
    await c.client.end().catch(() => {});
  }
}

/**
 * Tries to become the sequencer: the advisory lock on a session of its own (PostgreSQL releases
 * it when that session ends, however the process dies), then a new term, recorded append-only.
 */
async function lead(holder: string, leaderUrl: string | null, startedAt: string): Promise<LeaderTermWire | undefined> {
  if (term) return term;
  if (lostReason) return undefined;
  if (!lock) {
    const client = newClient('lock');
    client.on('error', (err) => loseLeadership(`the lock session failed: ${err.message}`));
    client.on('end', () => loseLeadership('the lock session ended'));
    await client.connect();
    lock = client;
  }
  const got = (await lock.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_ARGS}) AS ok`, [lockKey])).rows[0]?.ok;
  if (!got) return undefined;
  const client = await mainSession();
  await client.query('BEGIN');
  try {
    await client.query('LOCK TABLE leader_terms IN EXCLUSIVE MODE');
    const next = (await client.query<{ next: number }>('SELECT coalesce(max(term), 0) + 1 AS next FROM leader_terms')).rows[0]!.next;
    await client.query('INSERT INTO leader_terms (term, holder, url, started_at) VALUES ($1, $2, $3, $4)', [next, holder, leaderUrl, startedAt]);
    await client.query('COMMIT');
    term = { term: next, holder, url: leaderUrl, startedAt };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    await lock.query(`SELECT pg_advisory_unlock(${LOCK_ARGS})`, [lockKey]).catch(() => {});
    throw err;
  }
  lockProbe = setInterval(probeLock, LOCK_PROBE_MS);
  return term;
}

let probing = false;
async function probeLock(): Promise<void> {
  if (probing || !lock) return;
  probing = true;
  const timer = setTimeout(() => loseLeadership(`the lock session did not answer within ${LOCK_PROBE_TIMEOUT_MS} ms`), LOCK_PROBE_TIMEOUT_MS);
  try {
    await lock.query('SELECT 1');
  } catch (err) {
    loseLeadership(`the lock session failed: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    probing = false;
  }
}

function loseLeadership(reason: string): void {
  if (!term || lostReason) return;
  lostReason = `leadership lost: ${reason}`;
  term = undefined;
  if (lockProbe) clearInterval(lockProbe);
  const event: WorkerEvent = { event: 'leadership-lost', reason: lostReason };
  parentPort?.postMessage(event);
  const l = lock;
  lock = undefined;
  void l?.end().catch(() => {});
}

/** VACUUM after a redaction on a session of its own, off the store's path: the main thread does not wait for it. */
async function vacuumRedacted(): Promise<void> {
  const client = newClient('maintenance');
  const report = (message: string, level: MaintenanceLevel) => {
    const event: WorkerEvent = { event: 'maintenance', message, level };
    parentPort?.postMessage(event);
  };
  try {
    await client.connect();
    await vacuumUntilClean(client, report, { stopped: () => closing });
  } catch (err) {
    report(`VACUUM after a redaction failed: ${(err as Error).message}`, 'warn');
  } finally {
    await client.end().catch(() => {});
  }
}

async function shutdown(): Promise<void> {
  closing = true;
  if (lockProbe) clearInterval(lockProbe);
  for (const id of [...cursors.keys()]) await closeCursor(id).catch(() => {});
  const clients = [main, lock, ...idleCursorSessions];
  main = undefined;
  lock = undefined;
  term = undefined;
  idleCursorSessions.length = 0;
  await Promise.all(clients.map((c) => c?.end().catch(() => {})));
}

/** Byte strings go to node-postgres as Buffers (it sends those as bytea). */
function toPg(params: readonly unknown[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
}

function wireError(err: unknown): WireError {
  const e = err as { message?: string; code?: unknown; detail?: unknown };
  return {
    message: e?.message ?? String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.detail === 'string' ? { detail: e.detail } : {}),
  };
}

port.on('message', (message: { id: number; req: Request }) => {
  handle(message.req)
    .catch((err: unknown): Response => ({ ok: false, error: wireError(err) }))
    .then((res) => {
      port.postMessage({ id: message.id, res });
      Atomics.store(signal, 0, message.id);
      Atomics.notify(signal, 0);
    });
});
