/** OpenAPI description of tlog.ts (see openapi/route-doc.ts); /tlog/checkpoint is in checkpoints.doc.ts. */
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';

export const tlogDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/tlog/tile/{rest}',
    summary: 'C2SP tlog-tiles: a hash tile <L>/<N>[.p/<W>] (public) or an entry bundle entries/<N>[.p/<W>] (auditor)',
    description:
      'The rest of the path spans several segments (e.g. 0/x001/234.p/5 or entries/000), as https://c2sp.org/tlog-tiles spells them; ' +
      'a path that is not the canonical spelling of a tile is 400, one that does not exist yet 404. Entry bundles need an auditor token; ' +
      'one that holds a redacted entry is 410 (its leaf bytes are gone; the hash tiles still prove it).',
    tags: ['tiles'],
    access: 'public',
    params: z.object({ rest: z.string().meta({ description: 'The tile path after /tlog/tile/, slashes included.', examples: ['0/000.p/6', 'entries/000.p/6', '1/x001/234'] }) }),
    answers: {
      200: {
        description: 'The tile: 32-byte hashes, or an entry bundle (uint16-length-prefixed leaves), gzipped on Accept-Encoding: gzip for bundles.',
        media: { 'application/octet-stream': 'Tile bytes.' },
      },
    },
    problems: [400, 401, 403, 404, 410],
  },
];
