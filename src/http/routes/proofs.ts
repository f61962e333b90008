/** Public proof endpoints (hashes only): GET /v1/proofs/inclusion, GET /v1/proofs/consistency. */
import { onlyQuery } from '../query.js';
import { Router } from 'express';
import { fromHex } from '../../crypto/bytes.js';
import type { Ledger } from '../../ledger/ledger.js';
import { badRequest } from '../problem.js';
import { optionalIndexParam, parseIndexParam } from '../params.js';

const HASH_HEX = /^[0-9a-f]{64}$/;

export function proofRoutes(ledger: Ledger): Router {
  const r = Router();

  r.get('/v1/proofs/inclusion', onlyQuery('index', 'leafHash', 'treeSize'), (req, res) => {
    const { index: rawIndex, leafHash, treeSize: rawSize, ...rest } = req.query;
    const unknown = Object.keys(rest)[0];
    if (unknown) throw badRequest(`unknown query parameter ${unknown}`, unknown);
    if ((rawIndex === undefined) === (leafHash === undefined)) {
      throw badRequest('give exactly one of index and leafHash', rawIndex === undefined ? 'index' : 'leafHash');
    }
    let index: number;
    if (leafHash !== undefined) {
      if (typeof leafHash !== 'string' || !HASH_HEX.test(leafHash)) throw badRequest('leafHash must be 64 lowercase hex digits', 'leafHash');
      index = ledger.proofs.indexOfLeafHash(fromHex(leafHash));
    } else {
      index = parseIndexParam('index', rawIndex);
    }
    const treeSize = optionalIndexParam('treeSize', rawSize, { min: 1 });
    res.json(ledger.proofs.inclusion(index, treeSize));
  });

  r.get('/v1/proofs/consistency', onlyQuery('from', 'to'), (req, res) => {
    const from = parseIndexParam('from', req.query.from);
    const to = parseIndexParam('to', req.query.to);
    res.json(ledger.proofs.consistency(from, to));
  });

  return r;
}
