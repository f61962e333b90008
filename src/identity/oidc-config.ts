/**
 * LEDGER_OIDC (contract, "Workload identity"): a JSON file listing the issuers whose tokens are
 * accepted, `[{issuer, audience, jwks, source, role}]`, plus optional limits per issuer. Read and
 * checked once at start-up; every problem is reported with where it is (`[1].jwks: ...`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { parseClaimsTemplate, type ClaimsTemplate } from './claims-template.js';
import { readJwksFile } from './jwks.js';

/** Signature algorithms accepted (RFC 7518 §3.3 and §3.4, RFC 8037 §3.1): never `none`, never HS*. */
export const WORKLOAD_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
/** Ours: most workload tokens live an hour or less; Azure managed-identity tokens up to 24 hours. */
export const DEFAULT_MAX_LIFETIME_SECONDS = 24 * 3600;
/** Ours: clocks of CI runners and clusters drift; a minute covers NTP-synced machines. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
/** A fetched JWK Set is used this long before it is fetched again. */
export const DEFAULT_JWKS_MAX_AGE_SECONDS = 600;
/** At most one fetch of an issuer's keys per this many seconds, whatever tokens arrive. */
export const DEFAULT_JWKS_MIN_REFRESH_SECONDS = 30;
/** A fetch of an issuer's keys that takes longer is abandoned; the token waiting for it gets 503. */
export const DEFAULT_JWKS_TIMEOUT_SECONDS = 5;

export type KeySource = { kind: 'file'; file: string; jwks: JSONWebKeySet } | { kind: 'url'; url: URL };

export interface TrustedIssuer {
  issuer: string;
  audience: string;
  /** As configured: a file path or a URL (recorded in the log's access records). */
  jwks: string;
  keys: KeySource;
  /** The template's text, as configured. */
  source: string;
  template: ClaimsTemplate;
  role: 'writer' | 'auditor';
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  jwksMaxAgeSeconds: number;
  jwksMinRefreshSeconds: number;
  jwksTimeoutSeconds: number;
}

const NO_CONTROL = /^[^\p{Cc}]*$/u;
const seconds = (fallback: number, max: number) => z.int().min(0).max(max).default(fallback);

const issuerSchema = z.strictObject({
  issuer: z.string().min(1).max(1024).regex(NO_CONTROL, 'must not contain control characters'),
  audience: z.string().min(1).max(1024).regex(NO_CONTROL, 'must not contain control characters'),
  jwks: z.string().min(1),
  source: z.string().min(1).max(1024),
  role: z.enum(['writer', 'auditor'], { error: 'must be "writer" or "auditor" (workload tokens are never admin)' }).default('writer'),
  maxLifetimeSeconds: seconds(DEFAULT_MAX_LIFETIME_SECONDS, 7 * 24 * 3600),
  clockSkewSeconds: seconds(DEFAULT_CLOCK_SKEW_SECONDS, 600),
  jwksMaxAgeSeconds: seconds(DEFAULT_JWKS_MAX_AGE_SECONDS, 7 * 24 * 3600),
  jwksMinRefreshSeconds: seconds(DEFAULT_JWKS_MIN_REFRESH_SECONDS, 24 * 3600),
  jwksTimeoutSeconds: z.int().min(1).max(60).default(DEFAULT_JWKS_TIMEOUT_SECONDS),
  /** Plain http for a JWKS URL on a loopback address only (tests, a sidecar): never for a remote host. */
  allowLoopbackHttp: z.boolean().default(false),
});

export interface OidcConfigProblem {
  /** Where in the file, e.g. `[0].jwks`; empty for the file as a whole. */
  at: string;
  message: string;
}

/** Reads and checks the LEDGER_OIDC file; returns the issuers or every problem found. */
export function loadTrustedIssuers(file: string): { issuers: TrustedIssuer[] } | { problems: OidcConfigProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [{ at: '', message: `cannot read ${file} as JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(value)) return { problems: [{ at: '', message: `${file} must hold a JSON array of issuers` }] };
  const problems: OidcConfigProblem[] = [];
  const issuers: TrustedIssuer[] = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const parsed = issuerSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ at: `[${i}]${issue.path.map((p) => `.${String(p)}`).join('')}`, message: issue.message });
      return;
    }
    const c = parsed.data;
    const at = (member: string) => `[${i}].${member}`;
    if (seen.has(c.issuer)) problems.push({ at: at('issuer'), message: `${c.issuer} is listed twice; list each issuer once` });
    seen.add(c.issuer);
    let template: ClaimsTemplate | undefined;
    try {
      template = parseClaimsTemplate(c.source);
    } catch (err) {
      problems.push({ at: at('source'), message: `the template ${(err as Error).message}` });
    }
    const keys = keySource(c.jwks, c.allowLoopbackHttp, path.dirname(file), (message) => problems.push({ at: at('jwks'), message }));
    if (template && keys) {
      const { allowLoopbackHttp: _, ...rest } = c;
      issuers.push({ ...rest, template, keys });
    }
  });
  if (issuers.length === 0 && problems.length === 0) problems.push({ at: '', message: `${file} lists no issuers; unset LEDGER_OIDC instead` });
  return problems.length ? { problems } : { issuers };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** A JWKS given as an https URL (http for loopback only when allowed), or a file path relative to the LEDGER_OIDC file. */
function keySource(jwks: string, allowLoopbackHttp: boolean, baseDir: string, problem: (message: string) => void): KeySource | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(jwks)) {
    let url: URL;
    try {
      url = new URL(jwks);
    } catch {
      problem('is not a valid URL');
      return undefined;
    }
    if (url.username || url.password) {
      problem('must not carry credentials in the URL');
      return undefined;
    }
    if (url.protocol === 'https:') return { kind: 'url', url };
    if (url.protocol === 'http:' && allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return { kind: 'url', url };
    problem(
      url.protocol === 'http:'
        ? 'must be an https URL (plain http is allowed only for a loopback host with "allowLoopbackHttp": true)'
        : `must be an https URL or a file path, not ${url.protocol}`,
    );
    return undefined;
  }
  const file = path.resolve(baseDir, jwks);
  try {
    return { kind: 'file', file, jwks: readJwksFile(file) };
  } catch (err) {
    problem((err as Error).message);
    return undefined;
  }
}
