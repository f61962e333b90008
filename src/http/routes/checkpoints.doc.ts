/** OpenAPI descriptions of checkpoints.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import { indexParam, type RouteDoc } from '../openapi/route-doc.js';
import { LogKey } from '../openapi/shapes.js';

const note = { 'text/plain': 'A C2SP signed note holding a tlog-checkpoint.' };

const latest = (path: string, summary: string): RouteDoc => ({
  method: 'get',
  path,
  summary,
  tags: ['checkpoints'],
  access: 'public',
  query: z.object({
    latest: z.enum(['witnessed', 'signed']).optional().meta({ description: 'signed: the newest log-signed checkpoint, witnessed or not (default witnessed).' }),
  }),
  answers: { 200: { description: 'The checkpoint note, with the cosignature lines held.', media: note } },
  problems: [400, 404],
});

export const checkpointDocs: RouteDoc[] = [
  latest('/v1/checkpoint', 'The latest checkpoint: with a witness policy, the newest that meets the quorum'),
  latest('/tlog/checkpoint', 'C2SP tlog-tiles: the same note as /v1/checkpoint'),
  {
    method: 'get',
    path: '/v1/checkpoints/{treeSize}',
    summary: 'The checkpoint signed at a tree size (immutable)',
    tags: ['checkpoints'],
    access: 'public',
    params: z.object({ treeSize: indexParam('The tree size.') }),
    answers: { 200: { description: 'The checkpoint note.', media: note } },
    problems: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/key',
    summary: "The log's origin and verifier key",
    tags: ['checkpoints'],
    access: 'public',
    answers: { 200: { description: 'The key.', json: LogKey } },
    problems: [400],
  },
];
