/**
 * What authentication costs per request, side by side in one run:
 *  - a static token's lookup without and with LEDGER_OIDC configured (it must not change);
 *  - a workload JWT's verification (RS256, ES256, EdDSA), one at a time and 200 at once, with
 *    the event loop's longest stall meanwhile (a JWT must never block it for long).
 *
 *   npm run build && node dist/scripts/bench-auth.js
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { principalResolver } from '../src/http/auth.js';
import { generateToken } from '../src/http/tokens.js';
import { loadTrustedIssuers } from '../src/identity/oidc-config.js';
import { createWorkloadVerifier } from '../src/identity/workload-verifier.js';
import { Store } from '../src/store/index.js';

const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
const STATIC_ROUNDS = 5;
const STATIC_CALLS = 200_000;

const dir = mkdtempSync(path.join(tmpdir(), 'bench-auth-'));
try {
  const store = Store.open(path.join(dir, 'ledger.db'));
  const token = generateToken('writer');
  store.tokens.add({ id: token.id, hash: token.hash, role: 'writer', source: 'ci', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: null });

  const keys = await Promise.all(ALGS.map(async (alg) => ({ alg, ...(await generateKeyPair(alg, { extractable: true })) })));
  const config = await Promise.all(
    keys.map(async (k) => {
      const file = path.join(dir, `${k.alg}.json`);
      writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(k.publicKey)), kid: k.alg, alg: k.alg }] }));
      return { issuer: `https://${k.alg.toLowerCase()}.example.com`, audience: 'ledger', jwks: file, source: '{sub}' };
    }),
  );
  const oidcFile = path.join(dir, 'oidc.json');
  writeFileSync(oidcFile, JSON.stringify(config));
  const loaded = loadTrustedIssuers(oidcFile);
  if (!('issuers' in loaded)) throw new Error(JSON.stringify(loaded.problems));
  const workload = createWorkloadVerifier(loaded.issuers);

  const plain = principalResolver(store.tokens);
  const withOidc = principalResolver(store.tokens, { workload });
  const header = `Bearer ${token.token}`;
  const time = (resolve: typeof plain) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < STATIC_CALLS; i++) if (resolve(header) === undefined) throw new Error('not found');
    return Number(process.hrtime.bigint() - start) / STATIC_CALLS;
  };
  const plainNs: number[] = [];
  const oidcNs: number[] = [];
  for (let r = 0; r < STATIC_ROUNDS; r++) {
    // Alternated, so drift on a shared machine hits both alike.
    plainNs.push(time(plain));
    oidcNs.push(time(withOidc));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`static token lookup, median of ${STATIC_ROUNDS} x ${STATIC_CALLS}: ${median(plainNs).toFixed(0)} ns without LEDGER_OIDC, ${median(oidcNs).toFixed(0)} ns with it (${(median(oidcNs) / median(plainNs)).toFixed(2)}x)`);

  for (const k of keys) {
    const now = Math.floor(Date.now() / 1000);
    const sign = (jti: string) =>
      new SignJWT({ sub: 'spiffe://example.org/ci', jti })
        .setProtectedHeader({ alg: k.alg, kid: k.alg })
        .setIssuer(`https://${k.alg.toLowerCase()}.example.com`)
        .setAudience('ledger')
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(k.privateKey);
    // Distinct tokens, so each is verified (an accepted token is remembered by its hash).
    const n = 400;
    const fresh = await Promise.all(Array.from({ length: n + 200 }, (_, i) => sign(`t-${i}`)));
    const accept = async (jwt: string) => {
      if (!('role' in ((await withOidc(`Bearer ${jwt}`)) as object))) throw new Error('refused');
    };
    let start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await accept(fresh[i]!);
    const sequentialUs = Number(process.hrtime.bigint() - start) / n / 1000;
    start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await accept(fresh[i]!);
    const cachedUs = Number(process.hrtime.bigint() - start) / n / 1000;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    start = process.hrtime.bigint();
    await Promise.all(fresh.slice(n).map(accept));
    const concurrentMs = Number(process.hrtime.bigint() - start) / 1e6;
    delay.disable();
    console.log(
      `${k.alg} JWT: first use ${sequentialUs.toFixed(0)} us, repeat ${cachedUs.toFixed(1)} us; 200 distinct at once in ${concurrentMs.toFixed(0)} ms, longest event-loop stall ${(delay.max / 1e6).toFixed(1)} ms`,
    );
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
