/** Admin only: POST /v1/tokens (the token is shown once, stored as a hash), DELETE /v1/tokens/{id}. */
import { Router } from 'express';
import { z } from 'zod';
import type { Ledger } from '../../ledger/ledger.js';
import { formatTimestamp, parseRfc3339 } from '../../evidence/index.js';
import { jsonBody } from '../json-body.js';
import { badRequest, notFound } from '../problem.js';
import { requireRole } from '../auth.js';
import { ROLES, generateToken } from '../tokens.js';

const NO_CONTROL_CHARS = /^[^\p{Cc}]+$/u;

const tokenRequest = z
  .object({
    role: z.enum(ROLES),
    source: z.string().min(1).max(256).regex(NO_CONTROL_CHARS, 'must not contain control characters'),
    expiresAt: z.string().optional(),
  })
  .strict();

export function tokenRoutes(ledger: Ledger): Router {
  const r = Router();

  r.post('/v1/tokens', requireRole('admin'), jsonBody(), (req, res) => {
    const parsed = tokenRequest.safeParse(req.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      throw badRequest(`invalid token request: ${errors[0]!.field}: ${errors[0]!.message}`, errors[0]!.field, errors);
    }
    const { role, source, expiresAt } = parsed.data;
    let expires: string | null = null;
    if (expiresAt !== undefined) {
      const ms = parseRfc3339(expiresAt);
      if (ms === undefined) throw badRequest('expiresAt must be an RFC 3339 time', 'expiresAt');
      if (ms <= ledger.clock()) throw badRequest('expiresAt must be in the future', 'expiresAt');
      expires = formatTimestamp(ms);
    }
    const t = generateToken(role);
    const createdAt = formatTimestamp(ledger.clock());
    ledger.store.transaction(() =>
      ledger.store.tokens.add({ id: t.id, hash: t.hash, role, source, createdAt, expiresAt: expires }),
    );
    req.log?.info({ tokenId: t.id, role, source }, 'token issued');
    res.status(201).json({ id: t.id, token: t.token, role, source, expiresAt: expires });
  });

  r.delete('/v1/tokens/:id', requireRole('admin'), (req, res) => {
    const id = String(req.params.id);
    const done = ledger.store.transaction(() => ledger.store.tokens.revokeById(id, formatTimestamp(ledger.clock())));
    if (!done) throw notFound(`no active token ${id}`);
    req.log?.info({ tokenId: id }, 'token revoked');
    res.status(204).end();
  });

  return r;
}
