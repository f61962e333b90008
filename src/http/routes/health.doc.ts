/** OpenAPI descriptions of health.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { Liveness, Readiness } from '../openapi/shapes.js';

export const healthDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tags: ['operations'],
    access: 'public',
    answers: { 200: { description: 'Alive.', json: Liveness } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: can write, signing healthy, checkpoint fresh',
    tags: ['operations'],
    access: 'public',
    query: z.object({
      role: z.enum(['leader']).optional().meta({ description: 'leader: ready only while this instance is the sequencer (a health check for the writers\' pool of a load balancer).' }),
    }),
    answers: {
      200: { description: 'Ready.', json: Readiness },
      503: { description: 'Not ready (same shape), with Retry-After.', json: Readiness, headers: { 'Retry-After': 'Seconds.' } },
    },
    problems: [400],
  },
];
