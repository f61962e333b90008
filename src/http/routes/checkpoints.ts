/** Public: GET /v1/checkpoint, GET /v1/checkpoints/{treeSize}, GET /v1/key. */
import { Router, type Response } from 'express';
import type { Ledger } from '../../ledger/ledger.js';
import { notFound } from '../problem.js';
import { parseIndexParam } from '../params.js';

function sendNote(res: Response, note: string): void {
  res.type('text/plain; charset=utf-8').send(note);
}

export function checkpointRoutes(ledger: Ledger): Router {
  const r = Router();

  r.get('/v1/checkpoint', (_req, res) => {
    const latest = ledger.latestCheckpoint();
    if (!latest) throw notFound('no checkpoint has been signed yet');
    res.set('Cache-Control', 'no-cache');
    sendNote(res, latest.note);
  });

  r.get('/v1/checkpoints/:treeSize', (req, res) => {
    const size = parseIndexParam('treeSize', req.params.treeSize);
    const row = ledger.store.checkpoints.at(size);
    if (!row) throw notFound(`no checkpoint was signed at tree size ${size}`);
    // A signed checkpoint never changes.
    res.set('Cache-Control', 'public, max-age=31536000, immutable');
    sendNote(res, row.note);
  });

  r.get('/v1/key', (_req, res) => {
    res.json(ledger.key());
  });

  return r;
}
