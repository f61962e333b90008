/**
 * Workload identity tokens as bearer tokens (contract, "Workload identity"): a JWT (RFC 7519)
 * signed by a trusted issuer, for its audience, unexpired and short-lived, is accepted for the
 * issuer's role, and the entry's `source` is the issuer's template filled from the verified
 * claims. Verification is jose's jwtVerify (RFC 7515 signature, RFC 7519 §4.1 claims) with the
 * algorithms pinned per WORKLOAD_ALGORITHMS, so `none` and HS* (the key-confusion attack,
 * RFC 8725 §2.1) never reach a key. Every refusal is a 401 whose reason never repeats the token;
 * an issuer whose keys cannot be fetched is a 503. The token is not kept anywhere.
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { sourceProblem } from '../evidence/source-screen.js';
import { HttpProblem, unauthorized } from '../http/problem.js';
import type { Principal } from '../http/auth.js';
import { fillClaimsTemplate } from './claims-template.js';
import { JwksUnavailableError, localKeySet, remoteKeySet } from './jwks.js';
import { WORKLOAD_ALGORITHMS, type TrustedIssuer } from './oidc-config.js';

export interface WorkloadVerifier {
  /** The principal a JWT carries, or the problem (401, or 503 when keys are unavailable) saying why not. */
  verify(token: string): Promise<Principal | HttpProblem>;
}

/** Three base64url segments, the header a JSON object (`eyJ` is base64url of `{"`): worth verifying as a JWT. */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export function isJwtShaped(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/**
 * Verifications in flight at once; the rest wait their turn. A verification's main-thread part
 * (decoding, and for ES256/EdDSA much of the signature check in Node 20's WebCrypto) runs as a
 * chain of microtasks, so hundreds started together would run back to back and stall the event
 * loop for tens of milliseconds (scripts/bench-auth.ts); a few at a time keep each stall short.
 */
const MAX_VERIFYING = 4;
/** Waiting beyond this many is refused with 503: memory stays bounded whatever clients send. */
const MAX_WAITING = 2000;
/**
 * A workload usually posts many records with one token: an accepted token is remembered (by its
 * SHA-256, never its text) for this long at most, and never past its expiry.
 */
const ACCEPTED_CACHE_MS = 60_000;
const MAX_CACHED = 10_000;

interface IssuerEntry {
  config: TrustedIssuer;
  getKey: JWTVerifyGetKey;
}

export function createWorkloadVerifier(issuers: readonly TrustedIssuer[], options: { now?: () => number } = {}): WorkloadVerifier {
  const now = options.now ?? Date.now;
  const byIssuer = new Map<string, IssuerEntry>();
  for (const config of issuers) {
    const getKey =
      config.keys.kind === 'file'
        ? localKeySet(config.keys.jwks)
        : remoteKeySet(config.keys.url, {
            maxAgeMs: config.jwksMaxAgeSeconds * 1000,
            minRefreshMs: config.jwksMinRefreshSeconds * 1000,
            timeoutMs: config.jwksTimeoutSeconds * 1000,
            now,
          });
    byIssuer.set(config.issuer, { config, getKey });
  }

  const accepted = new Map<string, { principal: Principal; untilMs: number }>();
  let verifying = 0;
  const waiting: (() => void)[] = [];

  const verifyNow = async (token: string): Promise<{ principal: Principal; expiresAtMs: number } | HttpProblem> => {
    let alg: unknown;
    let claims: JWTPayload;
    try {
      alg = decodeProtectedHeader(token).alg;
      claims = decodeJwt(token);
    } catch {
      return refuse('the bearer token is not a well-formed JWT');
    }
    if (!(WORKLOAD_ALGORITHMS as readonly unknown[]).includes(alg)) return refuse(algorithmRefusal(alg));
    const entry = typeof claims.iss === 'string' ? byIssuer.get(claims.iss) : undefined;
    if (!entry) return refuse('the token’s issuer (iss) is not a trusted issuer');
    const { config } = entry;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, entry.getKey, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [...WORKLOAD_ALGORITHMS],
        clockTolerance: config.clockSkewSeconds,
        requiredClaims: ['exp'],
        currentDate: new Date(now()),
      }));
    } catch (err) {
      return verificationRefusal(err);
    }
    const lifetime = lifetimeProblem(payload, config, now() / 1000);
    if (lifetime) return refuse(lifetime);
    const filled = fillClaimsTemplate(config.template, payload);
    if (!filled.ok) return refuse(`the token has no usable "${filled.missing}" claim, which its issuer's source template needs`);
    const problem = sourceProblem(filled.source);
    if (problem) return refuse(`the source made from the token's claims ${problem}`);
    return { principal: { tokenId: 'oidc', role: config.role, source: filled.source }, expiresAtMs: payload.exp! * 1000 };
  };

  return {
    async verify(token) {
      const key = createHash('sha256').update(token).digest('base64');
      const hit = accepted.get(key);
      if (hit && now() < hit.untilMs) return { ...hit.principal };
      if (verifying < MAX_VERIFYING) verifying++;
      else if (waiting.length >= MAX_WAITING) return busy();
      // A finishing verification hands its slot straight to the first in line.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        const result = await verifyNow(token);
        if (result instanceof HttpProblem) return result;
        const { principal, expiresAtMs } = result;
        if (accepted.size >= MAX_CACHED) accepted.clear();
        accepted.set(key, { principal, untilMs: Math.min(expiresAtMs, now() + ACCEPTED_CACHE_MS) });
        return { ...principal };
      } finally {
        const next = waiting.shift();
        if (next) next();
        else verifying--;
      }
    },
  };
}

function busy(): HttpProblem {
  return new HttpProblem(503, 'Too many workload identity tokens are being verified right now; retry shortly.', {
    headers: { 'Retry-After': '1' },
    type: 'urn:evidence-ledger:problem:too-many-verifications',
  });
}

function refuse(reason: string): HttpProblem {
  return unauthorized(`Workload identity token refused: ${reason}.`);
}

function algorithmRefusal(alg: unknown): string {
  const named = typeof alg === 'string' && /^[A-Za-z0-9]{1,16}$/.test(alg) ? `"${alg}"` : 'its';
  return `${named} algorithm is not accepted (only ${WORKLOAD_ALGORITHMS.join(', ')})`;
}

/** Short-lived is the point: the span from issue (or not-before) to expiry may not exceed the issuer's maximum. */
function lifetimeProblem(payload: JWTPayload, config: TrustedIssuer, nowSeconds: number): string | undefined {
  const exp = payload.exp!;
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + config.clockSkewSeconds) return 'it was issued in the future (iat)';
  const start = typeof payload.iat === 'number' ? payload.iat : typeof payload.nbf === 'number' ? payload.nbf : undefined;
  const lifetime = start === undefined ? exp - nowSeconds : exp - start;
  if (lifetime > config.maxLifetimeSeconds) {
    return `it is valid for ${Math.round(lifetime)} s, longer than the ${config.maxLifetimeSeconds} s this issuer is allowed`;
  }
  return undefined;
}

function verificationRefusal(err: unknown): HttpProblem {
  if (err instanceof JwksUnavailableError) {
    return new HttpProblem(503, 'The issuer’s signing keys cannot be fetched right now; retry later.', {
      headers: { 'Retry-After': '5' },
      type: 'urn:evidence-ledger:problem:issuer-keys-unavailable',
    });
  }
  if (err instanceof errors.JWTExpired) return refuse('it has expired (exp)');
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return refuse('it is not valid yet (nbf)');
      case 'iss':
        return refuse('its issuer (iss) does not match');
      case 'aud':
        return refuse('it is not for this ledger’s audience (aud)');
      case 'exp':
        return refuse(err.reason === 'missing' ? 'it has no expiry (exp); only short-lived tokens are accepted' : 'its expiry (exp) is invalid');
      default:
        return refuse(`its "${err.claim}" claim is invalid`);
    }
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return refuse('its signature does not verify');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return refuse('no key of its issuer matches its key id (kid)');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return refuse('its algorithm does not fit its issuer’s key');
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return refuse('it is not a well-formed signed JWT');
  return refuse('it cannot be verified');
}
