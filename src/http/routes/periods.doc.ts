/** OpenAPI descriptions of periods.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { PeriodClose, PeriodKindSchema, PeriodList } from '../openapi/shapes.js';

export const periodDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/periods',
    summary: 'The closed reporting periods',
    tags: ['periods'],
    access: ['auditor'],
    query: z.object({ kind: PeriodKindSchema.optional() }),
    answers: { 200: { description: 'The closes, in order.', json: PeriodList } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/v1/periods/{id}',
    summary: "A period's close, with the consistency proof from the previous close of its kind",
    tags: ['periods'],
    access: ['auditor'],
    params: z.object({ id: z.string().meta({ description: 'A period id: 2026-09-14, 2026-09, 2026-Q3 or 2026 (fiscal).' }) }),
    answers: { 200: { description: 'The close.', json: PeriodClose } },
    problems: [400, 404, 409],
  },
];
