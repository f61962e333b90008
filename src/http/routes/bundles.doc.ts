/** OpenAPI description of bundles.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import { MAX_FILTER_LENGTH } from '../../verify/bundle-format.js';
import { filterParam, type RouteDoc } from '../openapi/route-doc.js';

export const bundleDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/bundles',
    summary: 'An evidence bundle (schemas/evidence-bundle.v1.schema.json), streamed; gzipped on Accept: application/gzip',
    tags: ['bundles'],
    access: ['auditor'],
    query: z.object({
      period: filterParam('A period id (default: everything up to the latest checkpoint).', MAX_FILTER_LENGTH).optional(),
      controlId: filterParam('Exact controlId.', MAX_FILTER_LENGTH).optional(),
      system: filterParam('Exact system.', MAX_FILTER_LENGTH).optional(),
      actor: filterParam('Exact actor.id.', MAX_FILTER_LENGTH).optional(),
      subject: filterParam('Exact subject.id.', MAX_FILTER_LENGTH).optional(),
    }),
    answers: {
      200: {
        description: 'The bundle, as an attachment.',
        media: {
          'application/json': 'An evidence bundle (urn:evidence-ledger:schema:evidence-bundle:v1).',
          'application/gzip': 'The same JSON, gzipped.',
        },
        headers: { 'Content-Disposition': 'attachment; filename="evidence-bundle-<period>-<size>.json[.gz]"' },
      },
    },
    problems: [400, 404, 409],
  },
];
