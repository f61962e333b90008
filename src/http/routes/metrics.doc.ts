/** OpenAPI description of metrics.ts (see openapi/route-doc.ts). */
import type { RouteDoc } from '../openapi/route-doc.js';

export const metricsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format 0.0.4)',
    description: 'Needs an admin token when LEDGER_METRICS=admin (the default); public when LEDGER_METRICS=public; absent (404) when off.',
    tags: ['operations'],
    access: ['admin'],
    answers: { 200: { description: 'The metrics.', media: { 'text/plain': 'Prometheus text format, version 0.0.4.' } } },
    problems: [400, 404],
  },
];
