/**
 * Fencing with real processes: appends wait in the leader's queue (a long LEDGER_BATCH_WAIT_MS),
 * the leader is paused (SIGSTOP), its advisory-lock session is terminated from outside
 * (pg_terminate_backend, as a network partition or a DBA would), the follower takes over, and the
 * paused leader wakes (SIGCONT) with its batch due. None may be acknowledged or stored: its
 * commit is refused by the term check in its own transaction, or its queue is failed first when
 * it learns of the loss; either way it answers 503 not-leader and exits with EXIT_LEADERSHIP_LOST.
 */
import pg from 'pg';
import { send, markerRecord, type HarnessRequest } from './harness-writers.js';
import { ServerProcess, type ExitInfo } from './harness-server.js';
import { createWriterTokens, deployment, pollUntil, roleOf } from './failover-run.js';

const DEADLINE_MS = 15_000;
const PAUSED_APPENDS = 6;
/** The old leader's group-commit wait: its appends are still queued when it is paused. */
const QUEUED_BATCH_WAIT_MS = 1500;

/** One append; its answer as `<status> <problem type>` (or `connection` when there was none). */
async function append(url: string, token: string, req: HarnessRequest): Promise<string> {
  try {
    const res = await fetch(`${url}/v1/entries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': req.key },
      body: JSON.stringify(req.records[0]),
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
    const body = (await res.json()) as { type?: string; detail?: string; index?: number };
    return res.ok ? `${res.status} index ${body.index}` : `${res.status} ${body.type}: ${body.detail}`;
  } catch {
    return 'connection';
  }
}

export interface FencingReport {
  /** Answers the old leader gave to the appends queued when it was paused: `<status> <type>: <detail>`, or `connection`. */
  pausedAnswers: string[];
  /** Markers of those appends found in the database (must be none). */
  storedFromPaused: string[];
  oldLeaderExit: ExitInfo | undefined;
  /** Terms recorded, oldest first. */
  terms: number[];
  takeoverMs: number | undefined;
  /** The new leader acknowledged an append after the takeover. */
  newLeaderAppends: boolean;
  findings: string[];
}

function request(id: number): HarnessRequest {
  const marker = `hr-fenced-${id}`;
  return { id, writer: 0, key: `fenced-${id}`, kind: 'entry', records: [markerRecord(marker)], markers: [marker], unacknowledged: 0 };
}

export async function runFencingCheck(databaseUrl: string, o: { checkpointIntervalMs: number; leaderPollMs: number }): Promise<FencingReport> {
  const d = deployment(databaseUrl, o);
  const report: FencingReport = { pausedAnswers: [], storedFromPaused: [], oldLeaderExit: undefined, terms: [], takeoverMs: undefined, newLeaderAppends: false, findings: [] };
  const a = ServerProcess.spawn({ ...d.env, LEDGER_BATCH_WAIT_MS: String(QUEUED_BATCH_WAIT_MS) });
  let b: ServerProcess | undefined;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const aUrl = await a.waitListening();
    if ((await pollUntil(async () => (await roleOf(aUrl)) === 'leader', DEADLINE_MS)) === undefined) throw new Error('instance A never led');
    b = ServerProcess.spawn(d.env);
    const bUrl = await b.waitListening();
    const [token] = await createWriterTokens(aUrl, d.adminToken, 1);
    const warmUp = await send(aUrl, token!, request(0));
    if (warmUp.status !== 'acked') throw new Error(`the leader refused an append: ${JSON.stringify(warmUp)}`);

    // Appends the leader has taken but not committed: they sit in its queue for the batch wait.
    const paused = Array.from({ length: PAUSED_APPENDS }, (_, i) => request(i + 1));
    const answers = paused.map((req) => append(aUrl, token!, req));
    const queued = await pollUntil(async () => ((await (await fetch(`${aUrl}/readyz`)).json()) as { queued: number }).queued >= PAUSED_APPENDS, DEADLINE_MS, 5);
    if (queued === undefined) throw new Error('the appends never queued at the leader');
    a.child.kill('SIGSTOP');
    // The paused leader's lock session: the one backend holding an advisory lock on this log
    // (keyed by its schema, pg-store.ts; other logs may share the server).
    const holders = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND objid = (hashtext(current_schema())::bigint & 4294967295)::oid`,
    );
    if (holders.rows.length !== 1) report.findings.push(`expected one advisory-lock holder, found ${holders.rows.length}`);
    const pausedAt = performance.now();
    for (const { pid } of holders.rows) await db.query('SELECT pg_terminate_backend($1)', [pid]);
    report.takeoverMs = await pollUntil(async () => (await roleOf(bUrl)) === 'leader', DEADLINE_MS);
    if (report.takeoverMs === undefined) throw new Error('instance B did not lead after the lock session was terminated');
    report.takeoverMs = Math.round(performance.now() - pausedAt);

    a.child.kill('SIGCONT');
    report.pausedAnswers = await Promise.all(answers);
    report.oldLeaderExit = await Promise.race([a.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), DEADLINE_MS))]);

    const after = await send(bUrl, token!, request(100));
    report.newLeaderAppends = after.status === 'acked';
    const markers = paused.map((r) => r.markers[0]!);
    const stored = await db.query<{ subject_id: string }>('SELECT subject_id FROM entries WHERE subject_id = ANY($1)', [markers]);
    report.storedFromPaused = stored.rows.map((r) => r.subject_id);
    report.terms = (await db.query<{ term: string }>('SELECT term FROM leader_terms ORDER BY term')).rows.map((r) => Number(r.term));
  } catch (err) {
    report.findings.push(`${(err as Error).message}\n--- A ---\n${a.output()}\n--- B ---\n${b?.output() ?? ''}`);
  } finally {
    a.child.kill('SIGCONT');
    await a.kill();
    await b?.stop();
    await db.end();
    d.cleanup();
  }
  return report;
}
