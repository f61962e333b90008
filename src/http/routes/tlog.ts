/**
 * C2SP tlog-tiles read API (https://c2sp.org/tlog-tiles; contract, "Standard read API"):
 * `GET /tlog/tile/<L>/<N>[.p/<W>]` (public: hashes only) and `GET /tlog/tile/entries/<N>[.p/<W>]`
 * (auditor: the records). `/tlog/checkpoint` is served by routes/checkpoints.ts with
 * `/v1/checkpoint`, so both always answer the same note.
 *
 * Paths are matched exactly as sent (not percent-decoded, case-sensitive): a path that is not
 * the one canonical spelling of a tile is 400, a canonical one that does not exist (yet) 404, an
 * entry bundle holding a redacted entry 410 (src/ledger/tiles.ts, bundleEntryBytes).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Router, type Request } from 'express';
import type { Ledger } from '../../ledger/ledger.js';
import { TileError, parseTilePath, type TileRef } from '../../tiles/index.js';
import { roleProblem } from '../auth.js';
import { badRequest, notFound } from '../problem.js';
import { onlyQuery } from '../query.js';

const TILE_PREFIX = '/tlog/tile/';
const BUNDLE_PREFIX = '/tlog/tile/entries';
/** A tile never changes once it exists (full or partial): tlog-tiles asks for long-lived caching. */
const PUBLIC_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Entry bundles need a token: browsers may keep them, shared caches must not. */
const PRIVATE_IMMUTABLE = 'private, max-age=31536000, immutable';
const gzipAsync = promisify(gzip);

export function tlogRoutes(ledger: Ledger): Router {
  const tiles = ledger.tileService();
  const r = Router();

  r.get('/tlog/tile/*rest', onlyQuery(), async (req, res, next) => {
    // Express matches routes case-insensitively; tlog-tiles paths are exact, so anything else is not ours.
    if (!req.path.startsWith(TILE_PREFIX)) return next();
    if (req.path.startsWith(BUNDLE_PREFIX)) {
      const problem = roleProblem(req.principal, ['auditor']);
      if (problem) throw problem;
    }
    const tile = parse(req);
    const data = tiles.read(tile);
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    res.set('Content-Type', 'application/octet-stream');
    if (tile.kind === 'hash') {
      res.set('Cache-Control', PUBLIC_IMMUTABLE).send(bytes);
      return;
    }
    // tlog-tiles, "Log entries": bundles SHOULD be compressed at the HTTP layer; here for a client
    // that asks for gzip (a request without Accept-Encoding, like plain curl, gets the bytes).
    res.set('Cache-Control', PRIVATE_IMMUTABLE).vary('Accept-Encoding');
    if (req.get('Accept-Encoding') !== undefined && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.set('Content-Encoding', 'gzip').send(await gzipAsync(bytes));
    } else {
      res.send(bytes);
    }
  });

  return r;
}

function parse(req: Request): TileRef {
  const relative = req.path.slice('/tlog/'.length);
  try {
    return parseTilePath(relative);
  } catch (err) {
    if (!(err instanceof TileError)) throw err;
    if (err.code === 'TILE_BEYOND_ANY_LOG') throw notFound(`${relative} does not exist: ${err.message}`);
    throw badRequest(`${JSON.stringify(relative)} is not a canonical tile path: ${err.message}`, 'path');
  }
}
