/**
 * Auditor: GET /v1/bundles?period=&controlId=&system=&actor=&subject= (contract). Answers an
 * evidence bundle (schemas/evidence-bundle.v1.schema.json), streamed: every check that can fail
 * runs before the status line, then the JSON goes out a page of entries at a time, with
 * back-pressure from the socket. `Accept: application/gzip` gets the same JSON gzipped.
 */
import { periodParam } from '../params.js';
import { onlyQuery } from '../query.js';
import { Router, type Request, type Response } from 'express';
import type { Ledger } from '../../ledger/ledger.js';
import { bundleText, planBundle } from '../../ledger/bundle.js';
import { isReportQuery, withControlSection } from '../../ledger/report-bundle.js';
import { MAX_FILTER_LENGTH, type BundleQuery } from '../../verify/bundle-format.js';
import { requireRole } from '../auth.js';
import { badRequest } from '../problem.js';
import { sendLongRead } from '../long-read.js';

const PARAMS = ['period', 'controlId', 'system', 'actor', 'subject'] as const satisfies readonly (keyof BundleQuery)[];
const KNOWN = new Set<string>(PARAMS);
const GZIP = 'application/gzip';

function readQuery(raw: Record<string, unknown>): BundleQuery {
  for (const k of Object.keys(raw)) if (!KNOWN.has(k)) throw badRequest(`unknown query parameter ${k}`, k);
  const query: BundleQuery = {};
  for (const name of PARAMS) {
    const v = raw[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FILTER_LENGTH) {
      throw badRequest(`${name} must be given once, as a string of 1 to ${MAX_FILTER_LENGTH} characters`, name);
    }
    query[name] = v;
  }
  return query;
}

/** A name that says what the file holds: the period (or "latest") and the anchor size. */
function fileName(query: BundleQuery, anchorSize: number, gzip: boolean): string {
  const scope = (query.period ?? 'latest').replace(/[^A-Za-z0-9-]/g, '_');
  return `evidence-bundle-${scope}-${anchorSize}.json${gzip ? '.gz' : ''}`;
}

async function sendBundle(ledger: Ledger, req: Request, res: Response): Promise<void> {
  const query = readQuery(req.query);
  let plan = planBundle(ledger, query, query.period === undefined ? undefined : periodParam('period', query.period, ledger.settings.fiscalYearStart));
  if (isReportQuery(query)) plan = await withControlSection(ledger, plan);
  // JSON unless gzip is asked for explicitly (no Accept or */* gets JSON, the first listed).
  const gzip = req.accepts(['application/json', GZIP]) === GZIP;
  res.status(200);
  res.type(gzip ? GZIP : 'application/json; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="${fileName(query, plan.head.anchor.treeSize, gzip)}"`);
  // In slices of bounded work, so appends go on while the bundle streams (long-read.ts).
  await sendLongRead(req, res, bundleText(ledger, plan), { gzip });
}

export function bundleRoutes(ledger: Ledger): Router {
  const r = Router();
  r.get('/v1/bundles', requireRole('auditor'), onlyQuery(...PARAMS), (req, res) => sendBundle(ledger, req, res));
  return r;
}
