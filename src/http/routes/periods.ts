/**
 * Auditor: GET /v1/periods/{id} (a period's close, with the consistency proof from the previous
 * close of its kind) and GET /v1/periods?kind= (the closed periods). Contract, "Periods".
 */
import { periodParam } from '../params.js';
import { onlyQuery } from '../query.js';
import { Router } from 'express';
import { PERIOD_KINDS, type PeriodKind } from '../../evidence/index.js';
import type { Ledger } from '../../ledger/ledger.js';
import { periodView } from '../../ledger/period-anchor.js';
import { requireRole } from '../auth.js';
import { badRequest } from '../problem.js';

const LIST_PARAMS = new Set(['kind']);

function kindParam(value: unknown): PeriodKind | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(PERIOD_KINDS as readonly string[]).includes(value)) {
    throw badRequest(`kind must be one of ${PERIOD_KINDS.join(', ')}`, 'kind');
  }
  return value as PeriodKind;
}

export function periodRoutes(ledger: Ledger): Router {
  const r = Router();

  r.get('/v1/periods', requireRole('auditor'), onlyQuery(...LIST_PARAMS), (req, res) => {
    for (const k of Object.keys(req.query)) if (!LIST_PARAMS.has(k)) throw badRequest(`unknown query parameter ${k}`, k);
    res.json({ periods: ledger.periods.list(kindParam(req.query.kind)) });
  });

  r.get('/v1/periods/:id', requireRole('auditor'), onlyQuery(), (req, res) => {
    const period = periodParam('id', req.params.id, ledger.settings.fiscalYearStart);
    // Closed: the close; open (contract version 1.1): provisional, at the latest checkpoint.
    res.json(periodView(ledger, period));
  });

  return r;
}
