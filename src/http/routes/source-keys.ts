/**
 * Admin only: POST /v1/source-keys registers (or replaces) the Ed25519 public key a source signs
 * its records with. The registration is itself an entry (`change`, details.action
 * "source_signing_key_registered"), so an offline verifier learns from the log alone which
 * sources must sign, and from which entry on.
 */
import { onlyQuery } from '../query.js';
import { Router } from 'express';
import { z } from 'zod';
import { fromBase64 } from '../../crypto/bytes.js';
import { sourceProblem } from '../../evidence/source-screen.js';
import type { AccessRecorder } from '../../ledger/access-recorder.js';
import { adminActor } from '../admin-actor.js';
import { requireRole } from '../auth.js';
import { jsonBody } from '../json-body.js';
import { badRequest } from '../problem.js';

export const keyRequest = z.strictObject({
  source: z.string(),
  /** Standard base64 of the raw 32-byte Ed25519 public key (RFC 8032 §5.1.5). */
  publicKey: z.string(),
});

export function sourceKeyRoutes(access: AccessRecorder): Router {
  const r = Router();
  r.post('/v1/source-keys', requireRole('admin'), onlyQuery(), jsonBody(), async (req, res) => {
    const parsed = keyRequest.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || 'body';
      throw badRequest(`invalid source key request: ${field}: ${issue.message}`, field);
    }
    const { source, publicKey } = parsed.data;
    const screened = sourceProblem(source);
    if (screened) throw badRequest(`source ${screened}`, 'source');
    const key = fromBase64(publicKey);
    if (key?.length !== 32) throw badRequest('publicKey must be the standard base64 of a raw 32-byte Ed25519 public key', 'publicKey');
    const { index } = await access.registerSourceKey(adminActor(req.principal!), source, key);
    req.log?.info({ source, index }, 'source signing key registered');
    res.status(201).json({ source, publicKey, algorithm: 'ed25519', index });
  });
  return r;
}
