/**
 * Public: GET /v1/checkpoint (and /tlog/checkpoint, C2SP tlog-tiles, through the same handler so both
 * always answer the same note), GET /v1/checkpoints/{treeSize}, GET /v1/key. With a witness policy,
 * notes carry the cosignature lines held, and /v1/checkpoint is the newest checkpoint that meets
 * the quorum; `?latest=signed` asks for the newest log-signed one instead.
 */
import { onlyQuery } from '../query.js';
import { Router, type Response } from 'express';
import type { Ledger } from '../../ledger/ledger.js';
import { badRequest, notFound } from '../problem.js';
import { parseIndexParam } from '../params.js';

function sendNote(res: Response, note: string): void {
  res.type('text/plain; charset=utf-8').send(note);
}

export function checkpointRoutes(ledger: Ledger): Router {
  const r = Router();

  // no-cache: the note changes every interval (tlog-tiles: no caching beyond a few seconds).
  r.get(['/v1/checkpoint', '/tlog/checkpoint'], onlyQuery('latest'), (req, res) => {
    const which = req.query.latest;
    if (which !== undefined && which !== 'signed' && which !== 'witnessed') throw badRequest('latest must be signed or witnessed', 'latest');
    const latest = ledger.checkpointToServe(which === 'signed' ? 'signed' : 'witnessed');
    if (!latest) {
      throw notFound(
        ledger.latestCheckpoint()
          ? 'no checkpoint has met the witness quorum yet; GET /v1/checkpoint?latest=signed serves the newest log-signed one'
          : 'no checkpoint has been signed yet',
      );
    }
    res.set('Cache-Control', 'no-cache');
    sendNote(res, latest.note);
  });

  r.get('/v1/checkpoints/:treeSize', onlyQuery(), (req, res) => {
    const size = parseIndexParam('treeSize', req.params.treeSize);
    const row = ledger.checkpointAtSize(size);
    if (!row) throw notFound(`no checkpoint was signed at tree size ${size}`);
    // A signed checkpoint never changes; with witnesses, cosignature lines may still be added.
    res.set('Cache-Control', ledger.witnessed ? 'no-cache' : 'public, max-age=31536000, immutable');
    sendNote(res, row.note);
  });

  r.get('/v1/key', onlyQuery(), (_req, res) => {
    res.json(ledger.key());
  });

  return r;
}
