/** OpenAPI description of openapi.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';

export const openApiDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tags: ['operations'],
    access: 'public',
    answers: { 200: { description: 'The OpenAPI 3.1 document.', json: z.looseObject({ openapi: z.string() }) } },
    problems: [400],
  },
];
