/**
 * Times every request express serves (proofs, bundles, listings, reads) by its route pattern,
 * for the metrics hook; a request no route matched is labelled by its status alone.
 */
import type { RequestHandler } from 'express';
import type { Metrics } from '../metrics/metrics.js';

export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.requestDone(route, req.method, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}
