/** OpenAPI descriptions of tokens.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { IssuedToken, TokenRequest } from '../openapi/shapes.js';

export const tokenDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/tokens',
    summary: 'Issue a token (shown once)',
    tags: ['tokens'],
    access: ['admin'],
    body: { description: 'The role and source of the new token.', schema: TokenRequest },
    answers: { 201: { description: 'The new token.', json: IssuedToken } },
    problems: [400, 503],
  },
  {
    method: 'delete',
    path: '/v1/tokens/{id}',
    summary: 'Revoke a token',
    tags: ['tokens'],
    access: ['admin'],
    params: z.object({ id: z.string().meta({ description: 'The token id (tok_...).' }) }),
    answers: { 204: { description: 'Revoked.' } },
    problems: [400, 404, 503],
  },
];
