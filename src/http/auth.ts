/**
 * Bearer-token authentication (RFC 6750 §2.1) and role checks, as the contract's "Who may do what"
 * says: unknown, revoked or expired tokens are all just unknown (401); a known token of the wrong
 * role is 403. Tokens are looked up by SHA-256 hash and never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { forbidden, HttpProblem, unauthorized } from './problem.js';
import { hashToken, type Role } from './tokens.js';
import { isJwtShaped, type WorkloadVerifier } from '../identity/workload-verifier.js';

export type { Role };

export interface Principal {
  tokenId: string;
  role: Role;
  /** The submitter id recorded as an entry's `source`. */
  source: string;
}

export interface TokenRecord {
  id: string;
  role: Role;
  source: string;
  /** RFC 3339 time after which the token is no longer accepted, or null for never. */
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Where tokens are looked up; the store's token table satisfies it. */
export interface TokenDirectory {
  findByHash(hash: Uint8Array): TokenRecord | undefined;
}

export interface AuthenticateOptions {
  /** LEDGER_ADMIN_TOKEN: accepted as an admin token, for automation. */
  adminToken?: string | undefined;
  /** Milliseconds since the epoch; injectable so expiry is testable. */
  now?: () => number;
  /** LEDGER_OIDC: verifies JWTs from trusted issuers (src/identity/workload-verifier.ts). */
  workload?: WorkloadVerifier | undefined;
}

/**
 * What an `Authorization` header comes to: a principal, a problem saying why a workload token
 * was refused (401, or 503 when its issuer's keys cannot be fetched), or nothing valid at all.
 */
export type Authentication = Principal | HttpProblem | undefined;

/** The principal of the environment's admin token: it has no row in the token table. */
export const ENV_ADMIN_PRINCIPAL: Readonly<Principal> = Object.freeze({ tokenId: 'env-admin', role: 'admin', source: 'admin' });

/** RFC 6750 §2.1: `Bearer 1*SP b64token`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Room for workload JWTs (GitHub's and Azure's are 1–2.5 KB; an RSA-4096 signature alone is 683
 * characters) and far beyond any token we issue (61 chars); anything longer is not worth parsing.
 */
const MAX_AUTHORIZATION_LENGTH = 8192;

/** What each role may act as: an admin reads what an auditor reads, but is not a writer. */
const ACTS_AS: Readonly<Record<Role, readonly Role[]>> = {
  writer: ['writer'],
  auditor: ['auditor'],
  admin: ['admin', 'auditor'],
};

declare global {
  namespace Express {
    interface Request {
      /** Who sent the request, when it carried a valid token (set by {@link authenticate}). */
      principal?: Principal;
      /** Why the request's workload token was refused, when it was (set by {@link authenticate}). */
      authProblem?: HttpProblem;
    }
  }
}

/**
 * Sets `req.principal` when the request carries a valid bearer token, and leaves it undefined
 * otherwise; it never rejects by itself, so public routes stay public. {@link requireRole} decides.
 */
export function authenticate(directory: TokenDirectory, options: AuthenticateOptions = {}): RequestHandler {
  const principalOf = principalResolver(directory, options);
  return (req, _res, next) => {
    const found = principalOf(req.get('Authorization'));
    if (!(found instanceof Promise)) {
      setAuthentication(req, found);
      next();
      return;
    }
    found.then((auth) => {
      setAuthentication(req, auth);
      next();
    }, next);
  };
}

function setAuthentication(req: { principal?: Principal; authProblem?: HttpProblem }, auth: Authentication): void {
  if (auth instanceof HttpProblem) req.authProblem = auth;
  else req.principal = auth;
}

/**
 * What an `Authorization` header value carries (what {@link authenticate} sets; the append fast
 * path calls it directly). Static tokens are answered at once; only a JWT, when workload tokens
 * are configured, is verified asynchronously (its issuer's keys may have to be fetched).
 */
export function principalResolver(
  directory: TokenDirectory,
  options: AuthenticateOptions = {},
): (authorization: string | undefined) => Authentication | Promise<Authentication> {
  const now = options.now ?? Date.now;
  // Compare hashes, not texts: equal lengths for timingSafeEqual, and the secret's length stays hidden.
  const adminHash = options.adminToken ? hashToken(options.adminToken) : undefined;
  return (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    const hash = hashToken(token);
    if (adminHash && timingSafeEqual(hash, adminHash)) return { ...ENV_ADMIN_PRINCIPAL };
    // Issued tokens are `elt_...` and never JWT-shaped, so the static path is unchanged for them.
    if (options.workload && isJwtShaped(token)) return options.workload.verify(token);
    const record = directory.findByHash(hash);
    return record && isUsable(record, now()) ? { tokenId: record.id, role: record.role, source: record.source } : undefined;
  };
}

/** Admits a principal that may act as one of `roles`; 401 without one, 403 for another role. */
export function requireRole(...roles: Role[]): RequestHandler {
  if (roles.length === 0) throw new TypeError('requireRole needs at least one role');
  return (req, _res, next) => next(roleProblem(req.principal, roles, req.authProblem));
}

/**
 * Why `principal` may not act as one of `roles` (401 or 403), or undefined when it may; without
 * a principal, `refusal` (why its workload token was refused) when there is one.
 */
export function roleProblem(principal: Principal | undefined, roles: readonly Role[], refusal?: HttpProblem): HttpProblem | undefined {
  if (!principal) return refusal ?? unauthorized();
  if (!ACTS_AS[principal.role].some((role) => roles.includes(role))) {
    const article = /^[aeiou]/.test(principal.role) ? 'An' : 'A';
    return forbidden(`${article} ${principal.role} token may not do this; it needs ${roles.join(' or ')}.`);
  }
  return undefined;
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  return BEARER.exec(header)?.[1];
}

/** Fails closed: a revocation is immediate whatever its time, and an unreadable expiry has passed. */
function isUsable(record: TokenRecord, nowMs: number): boolean {
  if (record.revokedAt !== null) return false;
  if (record.expiresAt === null) return true;
  const expires = Date.parse(record.expiresAt);
  return Number.isFinite(expires) && nowMs < expires;
}
