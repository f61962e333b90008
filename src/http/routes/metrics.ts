/**
 * GET /metrics: Prometheus text exposition (src/metrics). Who may read it is LEDGER_METRICS:
 * `admin` (an admin token, the default), `public` (anyone: for a private network or the
 * separate LEDGER_METRICS_PORT listener), or `off` (not served).
 */
import { Router } from 'express';
import type { Metrics } from '../../metrics/metrics.js';
import type { MetricsAccess } from '../../config.js';
import { requireRole } from '../auth.js';
import { onlyQuery } from '../query.js';

export type { MetricsAccess };

export function metricsRoutes(metrics: Metrics, access: MetricsAccess): Router {
  const r = Router();
  if (access === 'off') return r;
  const guard = access === 'admin' ? [requireRole('admin')] : [];
  r.get('/metrics', ...guard, onlyQuery(), async (_req, res) => {
    const text = await metrics.text();
    res.set('Cache-Control', 'no-store').type(metrics.contentType).send(text);
  });
  return r;
}
