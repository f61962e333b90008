/** OpenAPI description of redactions.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import { indexParam, type RouteDoc } from '../openapi/route-doc.js';
import { AppendedRedaction } from '../openapi/shapes.js';
import { redactionBody } from './redactions.js';

export const redactionDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/entries/{index}/redaction',
    summary: "Ask for an entry's leaf bytes to be removed (contract, \"Redaction\")",
    description:
      'Appends a `redaction` record naming the target; once LEDGER_REDACTION_APPROVALS distinct admins have asked, the target\'s leaf bytes are removed in the same durable step. Its index, leaf hash and proofs remain.',
    tags: ['entries'],
    access: ['admin'],
    params: z.object({ index: indexParam('The entry to redact.') }),
    body: { description: 'Why, and the ticket that approves it.', schema: redactionBody },
    answers: { 201: { description: 'The redaction entry, with the approvals so far.', json: AppendedRedaction } },
    problems: [400, 404, 409, 503],
  },
];
