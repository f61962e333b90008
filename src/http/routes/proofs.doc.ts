/** OpenAPI descriptions of proofs.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import { indexParam, type RouteDoc } from '../openapi/route-doc.js';
import { ConsistencyProof, InclusionProof } from '../openapi/shapes.js';

export const proofDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/proofs/inclusion',
    summary: 'RFC 9162 inclusion proof of an entry, by index or leaf hash',
    description: 'Exactly one of index and leafHash. Proves against the latest signed checkpoint unless treeSize is given.',
    tags: ['proofs'],
    access: 'public',
    query: z.object({
      index: indexParam('The entry index.').optional(),
      leafHash: z.string().regex(/^[0-9a-f]{64}$/).optional().meta({ description: 'The leaf hash, 64 lowercase hex digits.' }),
      treeSize: indexParam('A signed tree size.', 1).optional(),
    }),
    answers: { 200: { description: 'The proof.', json: InclusionProof } },
    problems: [400, 404, 503],
  },
  {
    method: 'get',
    path: '/v1/proofs/consistency',
    summary: 'RFC 9162 consistency proof between two tree sizes',
    tags: ['proofs'],
    access: 'public',
    query: z.object({ from: indexParam('The older tree size.'), to: indexParam('The newer tree size.') }),
    answers: { 200: { description: 'The proof.', json: ConsistencyProof } },
    problems: [400, 404],
  },
];
