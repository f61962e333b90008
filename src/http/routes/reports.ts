/**
 * Auditor: control reports, samples and monitoring (contract, "Control reports (version 1)").
 *   GET /v1/reports/{period}?controlId=C   one control's report (provisional while the period is open)
 *   GET /v1/reports/{period}               one summary row per control
 *   GET /v1/samples?period=&controlId=&size=&nonce=   a verifiable sample of a closed period
 *   GET /v1/monitor?controlId=C            what is overdue now
 */
import { Router } from 'express';
import { MAX_CONTROL_ID_LENGTH } from '../../evidence/index.js';
import type { Ledger } from '../../ledger/ledger.js';
import { ReportService } from '../../ledger/reports.js';
import { monitorControl } from '../../ledger/monitor.js';
import { MAX_SAMPLE_SIZE, isValidNonce } from '../../reports/index.js';
import { requireRole } from '../auth.js';
import { parseIndexParam, periodParam } from '../params.js';
import { badRequest } from '../problem.js';
import { onlyQuery } from '../query.js';

function stringParam(query: Record<string, unknown>, name: string, max: number, required: boolean): string | undefined {
  const v = query[name];
  if (v === undefined) {
    if (required) throw badRequest(`${name} is required`, name);
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw badRequest(`${name} must be given once, as a string of 1 to ${max} characters`, name);
  return v;
}

export function reportRoutes(ledger: Ledger): Router {
  const r = Router();
  const reports = new ReportService(ledger);
  const fiscal = (): number => ledger.settings.fiscalYearStart;

  r.get('/v1/reports/:period', requireRole('auditor'), onlyQuery('controlId'), async (req, res) => {
    const period = periodParam('period', req.params.period, fiscal());
    const controlId = stringParam(req.query, 'controlId', MAX_CONTROL_ID_LENGTH, false);
    const anchor = reports.anchor(period);
    res.json(controlId === undefined ? await reports.summary(anchor) : (await reports.report(anchor, controlId)).report);
  });

  r.get('/v1/samples', requireRole('auditor'), onlyQuery('period', 'controlId', 'size', 'nonce'), async (req, res) => {
    const period = periodParam('period', stringParam(req.query, 'period', 64, true), fiscal());
    const controlId = stringParam(req.query, 'controlId', MAX_CONTROL_ID_LENGTH, true)!;
    const size = parseIndexParam('size', req.query.size, { min: 1, max: MAX_SAMPLE_SIZE });
    const nonce = stringParam(req.query, 'nonce', 128, true)!;
    if (!isValidNonce(nonce)) throw badRequest('nonce must be 1 to 128 printable ASCII characters (U+0021 to U+007E, no space)', 'nonce');
    res.json(await reports.sample(reports.anchor(period), controlId, size, nonce));
  });

  r.get('/v1/monitor', requireRole('auditor'), onlyQuery('controlId'), async (req, res) => {
    const controlId = stringParam(req.query, 'controlId', MAX_CONTROL_ID_LENGTH, true)!;
    res.json(await monitorControl(ledger, controlId));
  });

  return r;
}
