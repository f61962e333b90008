/** POST /v1/entries, POST /v1/entries/batch, GET /v1/entries/{index}, GET /v1/entries, tlog-proof. */
import { Router, type Request, type Response } from 'express';
import type { Ledger } from '../../ledger/ledger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { isRedactedRow } from '../../ledger/entry-view.js';
import { LedgerError } from '../../ledger/errors.js';
import { jsonBody } from '../json-body.js';
import { notFound } from '../problem.js';
import { answerAppend } from '../append.js';
import type { BodyKind } from '../prepare-body.js';
import type { BodyPreparer } from '../prepare-pool.js';
import type { BodyBudget } from '../body-budget.js';
import { optionalIndexParam, parseIndexParam } from '../params.js';
import { requireRole } from '../auth.js';
import { LISTING_PARAMS, listEntries, listedView } from './entry-listing.js';
import { onlyQuery } from '../query.js';

/**
 * Sends JSON text without the ETag express computes over every body: an append's answer is never
 * revalidated, and hashing a 1,000-entry answer (about 1 MB) costs milliseconds per batch.
 */
function sendAnswer(res: Response, status: number, json: string): void {
  res.status(status).type('application/json; charset=utf-8').end(json);
}

/**
 * Appends carry their bodies as bytes to `preparer` (parse, validate, canonicalise: off this
 * thread when it has workers), then to the sequencer.
 */
export function entryRoutes(ledger: Ledger, preparer: BodyPreparer, metrics?: Metrics, budget?: BodyBudget): Router {
  const r = Router();

  const append = async (req: Request, res: Response, kind: BodyKind) => {
    const answer = await answerAppend(ledger, preparer, req.principal!.source, req.rawBody, kind, req.get('Idempotency-Key'), req.get('Evidence-Signature'), metrics);
    sendAnswer(res, answer.status, answer.json);
  };

  r.post('/v1/entries', requireRole('writer'), onlyQuery(), jsonBody({ parse: false, budget }), (req: Request, res: Response) => append(req, res, 'entry'));
  r.post('/v1/entries/batch', requireRole('writer'), onlyQuery(), jsonBody({ parse: false, budget }), (req: Request, res: Response) => append(req, res, 'batch'));

  r.get('/v1/entries', requireRole('auditor'), onlyQuery(...LISTING_PARAMS), async (req, res) => {
    res.json(await listEntries(ledger, req.query));
  });

  r.get('/v1/entries/:index', requireRole('auditor'), onlyQuery(), (req, res) => {
    const index = parseIndexParam('index', req.params.index);
    const row = ledger.entry(index);
    if (!row) throw notFound(`no entry ${index}`);
    res.json(listedView(ledger, row));
  });

  // Not public like /v1/proofs: a tlog-proof carries the leaf bytes, which hold the record.
  r.get('/v1/entries/:index/tlog-proof', requireRole('auditor'), onlyQuery('treeSize'), (req, res) => {
    const index = parseIndexParam('index', req.params.index);
    const treeSize = optionalIndexParam('treeSize', req.query.treeSize, { min: 1 });
    const row = ledger.entry(index);
    if (!row) throw new LedgerError('NOT_FOUND', `no entry ${index}`, 'index');
    if (isRedactedRow(row)) {
      const by = ledger.redactedBy(index);
      throw new LedgerError('REDACTED', `entry ${index} was redacted by entry ${by}: its leaf bytes are gone; /v1/proofs/inclusion?index=${index} still proves its leaf hash`, 'index');
    }
    res.type('text/plain; charset=utf-8').send(ledger.proofs.tlogProof(index, treeSize));
  });

  return r;
}
