/**
 * POST /v1/entries/{index}/redaction (admin; contract, "Redaction"): body `{reason, ticket}`. Appends a
 * `redaction` record naming the target; once LEDGER_REDACTION_APPROVALS distinct admins have asked,
 * the target's leaf bytes are removed in the same durable step. `201` with the redaction entry.
 */
import { Router } from 'express';
import { z } from 'zod';
import { EvidenceError, MAX_ID_LENGTH, MAX_REASON_LENGTH } from '../../evidence/index.js';
import { appendedJson } from '../../ledger/entry-view.js';
import type { Ledger } from '../../ledger/ledger.js';
import { requestRedaction } from '../../ledger/redaction.js';
import { requireRole } from '../auth.js';
import { jsonBody } from '../json-body.js';
import { parseIndexParam } from '../params.js';
import { badRequest } from '../problem.js';
import { onlyQuery } from '../query.js';

export const redactionBody = z.strictObject({
  reason: z.string().min(1).max(MAX_REASON_LENGTH),
  ticket: z.string().min(1).max(MAX_ID_LENGTH),
});

export function redactionRoutes(ledger: Ledger): Router {
  const r = Router();

  r.post('/v1/entries/:index/redaction', requireRole('admin'), onlyQuery(), jsonBody(), async (req, res) => {
    const targetIndex = parseIndexParam('index', req.params.index);
    const parsed = redactionBody.safeParse(req.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: `${i.path.join('.') || 'body'}: ${i.message}` }));
      throw badRequest(`invalid redaction request: ${errors[0]!.message}`, errors[0]!.field, errors);
    }
    let outcome;
    try {
      outcome = await requestRedaction(ledger, { targetIndex, ...parsed.data, approver: req.principal!.source });
    } catch (err) {
      // The record is screened like any other: a secret in the reason or ticket is the caller's mistake.
      if (err instanceof EvidenceError && err.problems?.length) {
        throw badRequest(`invalid redaction request: ${err.problems[0]!.message}`, err.problems[0]!.field, err.problems);
      }
      throw err;
    }
    const { entry, approvals, required, applied } = outcome;
    req.log?.info({ target: targetIndex, by: entry.index, approvals, required, applied }, applied ? 'entry redacted' : 'redaction approval recorded');
    const answer = appendedJson(entry).slice(0, -1) + `,"redaction":${JSON.stringify({ target: targetIndex, approvals, required, applied })}}`;
    res.status(201).type('application/json; charset=utf-8').send(answer);
  });

  return r;
}
