/** OpenAPI descriptions of entries.ts and entry-listing.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import { EVIDENCE_TYPES } from '../../evidence/index.js';
import { filterParam, indexParam, type RouteDoc } from '../openapi/route-doc.js';
import { AppendedBatch, AppendedEntry, BatchRequest, EntryList, EntryOrRedacted, EvidenceRecord } from '../openapi/shapes.js';

const idempotency = {
  'Idempotency-Key': {
    description: 'Retries with the same key and body get the first answer (200); the same key with another body is a 409.',
    schema: z.string().regex(/^[\x21-\x7e]{1,255}$/),
  },
  'Evidence-Signature': {
    description: "For a source with a registered key (POST /v1/source-keys): base64 Ed25519 signature(s) over each record's RFC 8785 bytes, comma-separated in record order.",
    schema: z.string(),
  },
};
const appendProblems = [400, 409, 410, 503];

export const entryDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/entries',
    summary: 'Append one evidence record',
    description: 'Answers once the entry is durable (fsynced). 503 with Retry-After when the queue is full.',
    tags: ['entries'],
    access: ['writer'],
    headers: idempotency,
    body: { description: 'One evidence record.', schema: EvidenceRecord },
    answers: {
      201: { description: 'Appended.', json: AppendedEntry },
      200: { description: 'An idempotent replay: the first answer again.', json: AppendedEntry },
    },
    problems: appendProblems,
  },
  {
    method: 'post',
    path: '/v1/entries/batch',
    summary: 'Append 1 to 1,000 records, all or none',
    tags: ['entries'],
    access: ['writer'],
    headers: idempotency,
    body: { description: 'The records, in order.', schema: BatchRequest },
    answers: {
      201: { description: 'Appended, consecutive indexes.', json: AppendedBatch },
      200: { description: 'An idempotent replay.', json: AppendedBatch },
    },
    problems: appendProblems,
  },
  {
    method: 'get',
    path: '/v1/entries',
    summary: 'List entries by increasing index, filtered',
    tags: ['entries'],
    access: ['auditor'],
    query: z.object({
      type: z.enum(EVIDENCE_TYPES).optional(),
      controlId: filterParam('Exact controlId.').optional(),
      system: filterParam('Exact system.').optional(),
      actor: filterParam('Exact actor.id.').optional(),
      subject: filterParam('Exact subject.id.').optional(),
      source: filterParam('Exact source (the submitting token).').optional(),
      from: z.iso.datetime({ offset: true }).optional().meta({ description: 'receivedAt at or after (RFC 3339).' }),
      to: z.iso.datetime({ offset: true }).optional().meta({ description: 'receivedAt before (RFC 3339).' }),
      late: z.enum(['true', 'false']).optional(),
      after: indexParam('Only entries after this index (the previous page\'s `next`).').optional(),
      limit: indexParam('Page size, 1 to 1000 (default 100).', 1).max(1000).optional(),
    }),
    answers: { 200: { description: 'A page of entries.', json: EntryList } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/v1/entries/{index}',
    summary: 'One entry: its leaf bytes and envelope',
    tags: ['entries'],
    access: ['auditor'],
    params: z.object({ index: indexParam('The entry index.') }),
    answers: { 200: { description: 'The entry, or by hash only once redacted.', json: EntryOrRedacted } },
    problems: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/entries/{index}/tlog-proof',
    summary: 'A C2SP tlog-proof of the entry: leaf, inclusion proof and signed checkpoint',
    tags: ['entries', 'proofs'],
    access: ['auditor'],
    params: z.object({ index: indexParam('The entry index.') }),
    query: z.object({ treeSize: indexParam('Prove against the checkpoint at this size (default: the latest).', 1).optional() }),
    answers: { 200: { description: 'The tlog-proof text.', media: { 'text/plain': 'C2SP tlog-proof (c2sp.org/tlog-proof).' } } },
    problems: [400, 404, 410],
  },
];
