/** POST /v1/entries, POST /v1/entries/batch, GET /v1/entries/{index}, GET /v1/entries, tlog-proof. */
import { Router, type Request, type Response } from 'express';
import { validateRecord, type EvidenceRecord } from '../../evidence/index.js';
import type { Ledger } from '../../ledger/ledger.js';
import { appendedView, entryView } from '../../ledger/entry-view.js';
import { LedgerError } from '../../ledger/errors.js';
import { jsonBody } from '../json-body.js';
import { badRequest, notFound } from '../problem.js';
import { optionalIndexParam, parseIndexParam } from '../params.js';
import { requireRole } from '../auth.js';
import { listEntries } from './entry-listing.js';

/** The contract's batch bound: 1 to 1,000 records, all or none. */
const MAX_BATCH_RECORDS = 1000;
/** Printable ASCII without spaces, like the IETF idempotency-key draft's examples; bounded. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKey(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('Idempotency-Key must be 1 to 255 printable ASCII characters without spaces', 'Idempotency-Key');
  }
  return key;
}

function validOrThrow(input: unknown, prefix: string): EvidenceRecord {
  const result = validateRecord(input);
  if (result.ok) return result.record;
  const errors = result.problems.map((p) => ({ field: prefix + p.field, message: p.message }));
  const first = errors[0]!;
  throw badRequest(`invalid evidence record: ${first.message}`, first.field, errors);
}

export function entryRoutes(ledger: Ledger): Router {
  const r = Router();
  const fiscal = ledger.settings.fiscalYearStart;
  const view = (e: Parameters<typeof entryView>[0]) => entryView(e, fiscal);

  r.post('/v1/entries', requireRole('writer'), jsonBody(), async (req: Request, res: Response) => {
    const record = validOrThrow(req.body, '');
    const key = idempotencyKey(req);
    const result = await ledger.append(req.principal!.source, [record], key, 'entry');
    res.status(result.replayed ? 200 : 201).json(appendedView(result.entries[0]!));
  });

  r.post('/v1/entries/batch', requireRole('writer'), jsonBody(), async (req: Request, res: Response) => {
    const body = req.body as { records?: unknown } | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('body must be {"records": [...]}', '');
    const extra = Object.keys(body).filter((k) => k !== 'records');
    if (extra.length) throw badRequest(`unknown field ${extra[0]}`, extra[0]);
    const records = body.records;
    if (!Array.isArray(records) || records.length < 1 || records.length > MAX_BATCH_RECORDS) {
      throw badRequest(`records must be an array of 1 to ${MAX_BATCH_RECORDS} evidence records`, 'records');
    }
    const valid = records.map((rec, i) => validOrThrow(rec, `records.${i}.`));
    const result = await ledger.append(req.principal!.source, valid, idempotencyKey(req), 'batch');
    res.status(result.replayed ? 200 : 201).json({
      entries: result.entries.map(appendedView),
    });
  });

  r.get('/v1/entries', requireRole('auditor'), (req, res) => {
    res.json(listEntries(ledger, req.query));
  });

  r.get('/v1/entries/:index', requireRole('auditor'), (req, res) => {
    const index = parseIndexParam('index', req.params.index);
    const row = ledger.store.log.entry(index);
    if (!row) throw notFound(`no entry ${index}`);
    res.json(view(row));
  });

  // Not public like /v1/proofs: a tlog-proof carries the leaf bytes, which hold the record.
  r.get('/v1/entries/:index/tlog-proof', requireRole('auditor'), (req, res) => {
    const index = parseIndexParam('index', req.params.index);
    const treeSize = optionalIndexParam('treeSize', req.query.treeSize, { min: 1 });
    if (!ledger.store.log.entry(index)) throw new LedgerError('NOT_FOUND', `no entry ${index}`, 'index');
    res.type('text/plain; charset=utf-8').send(ledger.proofs.tlogProof(index, treeSize));
  });

  return r;
}
