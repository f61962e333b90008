/**
 * The optional private metrics listener (LEDGER_METRICS_PORT): GET /metrics to anyone who can
 * reach the port, and nothing else, so Prometheus needs no token while the API port keeps
 * /metrics behind LEDGER_METRICS.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Metrics } from '../metrics/metrics.js';
import { createProblemHandler, notFoundHandler } from './problem.js';
import { metricsRoutes } from './routes/metrics.js';

export function listenForMetrics(metrics: Metrics, port: number, host: string): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRoutes(metrics, 'public'));
  app.use(notFoundHandler);
  app.use(createProblemHandler([]));
  return new Promise<Server>((resolve, reject) => {
    const s = createServer(app).listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
}
