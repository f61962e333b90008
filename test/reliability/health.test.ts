/**
 * GET /healthz: the process answers. GET /readyz: the database can commit, signing is healthy
 * and the latest checkpoint is recent; it fails (503) while the ledger refuses to sign.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { signJwt, testKey, writeJwks } from '../support/oidc.js';
import { createToken, ledgerFolder, post, readyz, startInProcess, type LedgerFolder } from './support.js';

describe('health', () => {
  let f: LedgerFolder;
  afterEach(() => f.cleanup());

  it('is live and ready on a healthy ledger', async () => {
    f = ledgerFolder('ledger-health-');
    const s = await startInProcess(f);
    try {
      expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const writer = await createToken(s.url, f.adminToken, 'writer');
      expect((await post(s.url, writer, 'h-0')).status).toBe(201);
      s.ledger.tick();
      const ready = await readyz(s.url);
      expect(ready.status).toBe(200);
      // The ledger's own entries for its key and the writer token, then the post.
      expect(ready.body).toMatchObject({ status: 'ready', database: 'writable', signing: 'ok', treeSize: 3, signedTreeSize: 3 });
    } finally {
      await s.close();
    }
  });

  it('is live but not ready while signing is halted (a signed checkpoint the stored log does not reach)', async () => {
    f = ledgerFolder('ledger-halted-');
    const first = await startInProcess(f);
    const writer = await createToken(first.url, f.adminToken, 'writer');
    for (let i = 0; i < 3; i++) expect((await post(first.url, writer, `h-${i}`)).status).toBe(201);
    await first.close();
    // What a plain file copy of an old backup looks like to the ledger: its newest signed
    // checkpoint lies beyond the entries it holds (the tail was lost).
    const raw = new Database(f.dbFile);
    raw.prepare('INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (?, ?, ?, ?)').run(9, Buffer.alloc(32, 7), 'lost tail', '2026-01-01T00:00:00.000Z');
    raw.close();

    // A trusted issuer newly configured: its trust cannot be recorded while the ledger refuses appends,
    // so the service starts without workload identity rather than trusting it unrecorded.
    const key = await testKey('k1', 'ES256');
    writeJwks(f.dir, 'jwks.json', key);
    writeFileSync(path.join(f.dir, 'oidc.json'), JSON.stringify([{ issuer: 'https://oidc.example.com', audience: 'ledger', jwks: 'jwks.json', source: '{sub}' }]));
    const s = await startInProcess(f, {}, { LEDGER_OIDC: path.join(f.dir, 'oidc.json') });
    try {
      const jwt = await signJwt(key, { iss: 'https://oidc.example.com', aud: 'ledger', sub: 'ci', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 });
      const refused = await fetch(`${s.url}/v1/entries`, { headers: { Authorization: `Bearer ${jwt}` } });
      expect(refused.status).toBe(401);
      expect(s.store.access.trustedIssuers()).toEqual([]);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      const ready = await readyz(s.url);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', signing: 'halted', database: 'writable' });
      expect(String(ready.body.haltReason)).toMatch(/size 9 exceeds stored log size 5/); // 2 ledger entries + 3 posts
    } finally {
      await s.close();
    }
  });
});
