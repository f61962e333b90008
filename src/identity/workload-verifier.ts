/**
 * Workload identity tokens as bearer tokens (contract, "Workload identity"): a JWT (RFC 7519)
 * signed by a trusted issuer, for its audience, unexpired and short-lived, is accepted for the
 * issuer's role, and the entry's `source` is the issuer's template filled from the verified
 * claims. Verification is jose's jwtVerify (RFC 7515 signature, RFC 7519 §4.1 claims) with the
 * algorithms pinned per WORKLOAD_ALGORITHMS, so `none` and HS* (the key-confusion attack,
 * RFC 8725 §2.1) never reach a key. Every refusal is a 401 whose reason never repeats the token;
 * an issuer whose keys cannot be fetched is a 503. The token is not kept anywhere.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { sourceProblem } from '../evidence/source-screen.js';
import { HttpProblem, unauthorized } from '../http/problem.js';
import type { Principal } from '../http/auth.js';
import { fillClaimsTemplate } from './claims-template.js';
import { JwksUnavailableError, localKeySet, remoteKeySet } from './jwks.js';
import { JWKS_TIMEOUT_MS, WORKLOAD_ALGORITHMS, type TrustedIssuer } from './oidc-config.js';

export interface WorkloadVerifier {
  /** The principal a JWT carries, or the problem (401, or 503 when keys are unavailable) saying why not. */
  verify(token: string): Promise<Principal | HttpProblem>;
}

/** Three base64url segments, the header a JSON object (`eyJ` is base64url of `{"`): worth verifying as a JWT. */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export function isJwtShaped(token: string): boolean {
  return JWT_SHAPE.test(token);
}

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
            timeoutMs: JWKS_TIMEOUT_MS,
            now,
          });
    byIssuer.set(config.issuer, { config, getKey });
  }

  return {
    async verify(token) {
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
      return { tokenId: 'oidc', role: config.role, source: filled.source };
    },
  };
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
