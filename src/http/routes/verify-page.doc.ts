/** OpenAPI description of verify-page.ts (see openapi/route-doc.ts). */
import type { RouteDoc } from '../openapi/route-doc.js';

export const verifyPageDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/verify',
    summary: "The auditor's offline verifier page (self-contained HTML)",
    tags: ['operations'],
    access: 'public',
    answers: { 200: { description: 'The page.', media: { 'text/html': 'One self-contained HTML file.' } } },
    problems: [400, 404],
  },
];
