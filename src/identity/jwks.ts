/**
 * An issuer's public keys (RFC 7517 JWK Set) for jose's jwtVerify: from a file read at start-up,
 * or from a URL, cached and fetched again when it is older than its maximum age or when a token
 * names a key id the cached set lacks (the issuer rotated its keys). Fetches are rate-limited:
 * at most one attempt, successful or not, per `minRefreshMs`, and one at a time, so tokens with
 * made-up key ids cannot make the ledger hammer an issuer, and a down issuer costs one attempt
 * per interval. A response is read up to MAX_JWKS_BYTES and for at most `timeoutMs`.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Real key sets are a few KiB (Google's: 2 keys, under 2 KiB); anything past this is refused unread. */
export const MAX_JWKS_BYTES = 256 * 1024;

export interface RemoteJwksOptions {
  /** A fetched set older than this is fetched again before use. */
  maxAgeMs: number;
  /** No fetch starts sooner than this after the previous one started. */
  minRefreshMs: number;
  timeoutMs: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

/** Why a parsed value is not a JWK Set of public keys; undefined when it is one. */
export function jwksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as JSONWebKeySet).keys)) return 'is not a JWK Set ({"keys": [...]})';
  const keys = (value as JSONWebKeySet).keys;
  if (keys.length === 0) return 'holds no keys';
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || typeof key.kty !== 'string') return `key ${i} has no "kty"`;
    if (key.kty === 'oct') return `key ${i} is a symmetric key ("kty": "oct"); only public keys (RSA, EC, OKP) are accepted`;
    // RFC 7518 §6.2.2.1 / §6.3.2 / RFC 8037 §2: "d" (and RSA's primes) are private.
    if ('d' in key || 'p' in key || 'q' in key) return `key ${i} contains private key material; publish only the public key`;
  }
  return undefined;
}

/** Reads a JWK Set file; throws with a message naming what is wrong. */
export function readJwksFile(file: string): JSONWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read JWK Set file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const problem = jwksProblem(value);
  if (problem) throw new Error(`JWK Set file ${file} ${problem}`);
  return value as JSONWebKeySet;
}

export function localKeySet(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return createLocalJWKSet(jwks);
}

/** A key lookup for jwtVerify over a JWK Set served at `url`. */
export function remoteKeySet(url: URL, options: RemoteJwksOptions): JWTVerifyGetKey & { fetches(): number } {
  const now = options.now ?? Date.now;
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let pending: Promise<void> | undefined;
  let fetches = 0;

  const refresh = (): Promise<void> => {
    if (pending) return pending;
    if (now() - attemptedAt < options.minRefreshMs) return Promise.resolve();
    attemptedAt = now();
    fetches++;
    pending = fetchJwks(url, options.timeoutMs)
      .then((jwks) => {
        local = createLocalJWKSet(jwks);
        fetchedAt = now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!local || now() - fetchedAt >= options.maxAgeMs) {
      // A stale set is still used when the refresh fails; only having none at all is an outage.
      await refresh().catch((err: unknown) => {
        if (!local) throw new JwksUnavailableError(`the issuer's keys at ${url.href} cannot be fetched: ${(err as Error).message}`, { cause: err });
      });
      if (!local) throw new JwksUnavailableError(`the issuer's keys at ${url.href} are not available yet`);
    }
    try {
      return await local(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      // An unknown key id: perhaps the issuer rotated. Fetch again, within the rate limit.
      await refresh().catch(() => undefined);
      return await local(header, token);
    }
  };
  return Object.assign(getKey, { fetches: () => fetches });
}

async function fetchJwks(url: URL, timeoutMs: number): Promise<JSONWebKeySet> {
  const res = await fetch(url, {
    headers: { accept: 'application/jwk-set+json, application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_JWKS_BYTES) throw new Error(`the key set is larger than ${MAX_JWKS_BYTES} bytes`);
  const body = await readCapped(res, MAX_JWKS_BYTES);
  const value: unknown = JSON.parse(body);
  const problem = jwksProblem(value);
  if (problem) throw new Error(`the response ${problem}`);
  return value as JSONWebKeySet;
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw new Error(`the key set is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
