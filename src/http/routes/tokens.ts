/**
 * Admin only: POST /v1/tokens (the token is shown once, stored as a hash), DELETE /v1/tokens/{id}.
 * Each is recorded in the log in the same commit as the token change (src/ledger/access-recorder.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Ledger } from '../../ledger/ledger.js';
import type { AccessRecorder } from '../../ledger/access-recorder.js';
import { formatTimestamp } from '../../evidence/index.js';
import { timeParam } from '../params.js';
import { onlyQuery } from '../query.js';
import { sourceProblem } from '../../evidence/source-screen.js';
import { jsonBody } from '../json-body.js';
import { badRequest, notFound } from '../problem.js';
import { requireRole } from '../auth.js';
import { adminActor } from '../admin-actor.js';
import { ROLES } from '../tokens.js';

const NO_CONTROL_CHARS = /^[^\p{Cc}]+$/u;

export const tokenRequest = z
  .object({
    role: z.enum(ROLES),
    source: z.string().min(1).max(256).regex(NO_CONTROL_CHARS, 'must not contain control characters'),
    expiresAt: z.string().optional(),
  })
  .strict();

export function tokenRoutes(ledger: Ledger, access: AccessRecorder): Router {
  const r = Router();

  r.post('/v1/tokens', requireRole('admin'), onlyQuery(), jsonBody(), async (req, res) => {
    const parsed = tokenRequest.safeParse(req.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      throw badRequest(`invalid token request: ${errors[0]!.field}: ${errors[0]!.message}`, errors[0]!.field, errors);
    }
    const { role, source, expiresAt } = parsed.data;
    const screened = sourceProblem(source);
    if (screened) throw badRequest(`source ${screened}`, 'source');
    let expires: string | undefined;
    if (expiresAt !== undefined) {
      const at = timeParam('expiresAt', expiresAt);
      expires = at;
      if (Date.parse(at) <= ledger.clock()) throw badRequest('expiresAt must be in the future', 'expiresAt');
    }
    const t = await access.issueToken(adminActor(req.principal!), { role, source, ...(expires ? { expiresAt: expires } : {}) });
    req.log?.info({ tokenId: t.id, role, source }, 'token issued');
    res.status(201).json(t);
  });

  r.delete('/v1/tokens/:id', requireRole('admin'), onlyQuery(), async (req, res) => {
    const id = String(req.params.id);
    if (!(await access.revokeToken(adminActor(req.principal!), id))) throw notFound(`no active token ${id}`);
    req.log?.info({ tokenId: id }, 'token revoked');
    res.status(204).end();
  });

  return r;
}
