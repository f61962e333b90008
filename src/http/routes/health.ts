/**
 * GET /healthz (the process answers) and GET /readyz (can write, signing healthy, checkpoint fresh;
 * also how far the search index has got, which readiness does not depend on). A follower is ready
 * when it can read: it serves every read, and answers writes 503 not-leader (role says which).
 * `/readyz?role=leader` is ready only on the sequencer: a load balancer that checks status codes
 * alone can send writes there and reads anywhere.
 */
import { badRequest } from '../problem.js';
import { onlyQuery } from '../query.js';
import { Router } from 'express';
import type { BodyPreparer } from '../prepare-pool.js';
import type { Ledger } from '../../ledger/ledger.js';

/** A checkpoint older than this many cadence intervals, while entries wait unsigned, is stale. */
const STALE_INTERVALS = 5;
/**
 * Readiness commits a no-op write (see Store.probeWritable) at most this often: often enough to
 * notice a full disk or a lock within a probe period, rarely enough that probes cost nothing.
 */
const WRITE_PROBE_INTERVAL_MS = 1000;

export function healthRoutes(ledger: Ledger, preparer?: BodyPreparer): Router {
  const r = Router();
  let probe: { atMs: number; error?: string } | undefined;

  /** undefined when the database committed a probe write recently, else why it could not. */
  const writeProblem = (): string | undefined => {
    const now = Date.now();
    if (!probe || now - probe.atMs >= WRITE_PROBE_INTERVAL_MS) {
      try {
        ledger.probeWritable();
        probe = { atMs: now };
      } catch (err) {
        probe = { atMs: now, error: (err as Error).message };
      }
    }
    return probe.error;
  };

  r.get('/healthz', onlyQuery(), (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get('/readyz', onlyQuery('role'), (req, res) => {
    const wanted = req.query.role;
    if (wanted !== undefined && wanted !== 'leader') throw badRequest('role must be "leader" (ready only while this instance is the sequencer), or left out', 'role');
    const role = ledger.role();
    const health = ledger.health();
    const latest = ledger.latestCheckpoint();
    const unsigned = ledger.size - (latest?.treeSize ?? 0);
    // How long the oldest unsigned entry has waited, not how old the last checkpoint is: after an
    // idle spell the last checkpoint is old, and the first write must not make the node unready.
    const waitingSince = ledger.oldestUnsignedMs();
    const ageMs = waitingSince === undefined ? 0 : ledger.clock() - waitingSince;
    const stale = unsigned > 0 && ageMs > STALE_INTERVALS * ledger.settings.checkpointIntervalMs;
    const notWritable = writeProblem();
    // A witness that refuses this log's history (a fork) makes the ledger not ready; a witness that is down does not.
    const witnessing = ledger.witnessingHealth();
    const pool = preparer?.health?.();
    // No thread left to prepare appends: every append would be a 503, so the node is not ready.
    const ready =
      health.signing === 'ok' &&
      !health.lastTickError &&
      !stale &&
      !notWritable &&
      !witnessing?.conflict &&
      (pool === undefined || pool.threads > 0) &&
      (wanted !== 'leader' || role.role === 'leader');
    if (!ready) res.set('Retry-After', '1');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      database: notWritable ?? (role.role === 'leader' ? 'writable' : 'readable'),
      ...role,
      treeSize: ledger.size,
      signedTreeSize: latest?.treeSize ?? 0,
      queued: ledger.queued,
      // Informational: listings stay exact at any lag (they scan the unindexed tail), so readiness ignores it.
      searchIndexedThrough: ledger.searchIndexedThrough,
      searchLag: ledger.searchLag,
      ...health,
      ...(witnessing ? { witnessing } : {}),
      ...(pool ? { preparation: pool } : {}),
      ...(stale ? { stale: `${unsigned} entries have waited up to ${Math.round(ageMs)} ms for a signed checkpoint` } : {}),
    });
  });

  return r;
}
