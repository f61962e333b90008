/** GET /healthz (the process answers) and GET /readyz (can write, signing healthy, checkpoint fresh). */
import { Router } from 'express';
import type { Ledger } from '../../ledger/ledger.js';

/** A checkpoint older than this many cadence intervals, while entries wait unsigned, is stale. */
const STALE_INTERVALS = 5;

export function healthRoutes(ledger: Ledger): Router {
  const r = Router();

  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get('/readyz', (_req, res) => {
    const health = ledger.health();
    const latest = ledger.latestCheckpoint();
    const unsigned = ledger.size - (latest?.treeSize ?? 0);
    const ageMs = latest ? ledger.clock() - Date.parse(latest.signedAt) : Infinity;
    const stale = unsigned > 0 && ageMs > STALE_INTERVALS * ledger.settings.checkpointIntervalMs;
    const ready = health.signing === 'ok' && !health.lastTickError && !stale;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      treeSize: ledger.size,
      signedTreeSize: latest?.treeSize ?? 0,
      queued: ledger.queued,
      ...health,
      ...(stale ? { stale: `checkpoint is ${Math.round(ageMs)} ms old with ${unsigned} entries unsigned` } : {}),
    });
  });

  return r;
}
