/** `ledger serve` start-up: first-run key and dev tokens, refusals, a real port. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startService, type RunningService } from '../../src/cli/service.js';
import { createLogger } from '../../src/http/request-log.js';
import { tempDir } from '../support/tmp.js';
import { rotation } from '../support/ledger.js';
import { writeFileSync } from 'node:fs';
import { decodeLeaf } from '../../src/evidence/index.js';
import { githubClaims, signJwt, testKey, writeJwks } from '../support/oidc.js';

describe('service start-up', () => {
  let t: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  let running: RunningService | undefined;
  const lines: string[] = [];
  const start = () =>
    startService(loadConfig(env), { logger: createLogger('silent'), print: (l) => lines.push(l) });

  beforeEach(() => {
    t = tempDir();
    lines.length = 0;
    env = {
      PORT: '0',
      LEDGER_DB: path.join(t.dir, 'data', 'ledger.db'),
      LEDGER_KEY_FILE: path.join(t.dir, 'keys', 'ledger.key'),
      LEDGER_ORIGIN: 'ledger.test/svc',
    };
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    t.cleanup();
  });

  it('creates a 0600 key and prints dev tokens on the first start of a new database, and serves them', async () => {
    running = await start();
    expect(statSync(env.LEDGER_KEY_FILE!).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toContain(running.ledger.key().verifierKey);
    const writer = running.devTokens!.writer;
    expect(lines.join('\n')).toContain(writer);
    const res = await fetch(`${running.url}/v1/entries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(rotation(1)),
    });
    expect(res.status).toBe(201);
    expect((await fetch(`${running.url}/v1/checkpoint`)).status).toBe(200);
  });

  it('prints no tokens on later starts, and keeps the same key and log', async () => {
    running = await start();
    const key = running.ledger.key().verifierKey;
    await running.close();
    lines.length = 0;
    running = await start();
    expect(running.devTokens).toBeUndefined();
    expect(lines).toEqual([]);
    expect(running.ledger.key().verifierKey).toBe(key);
  });

  it('prints no dev tokens when LEDGER_ADMIN_TOKEN is set', async () => {
    env.LEDGER_ADMIN_TOKEN = 'a'.repeat(40);
    running = await start();
    expect(running.devTokens).toBeUndefined();
  });

  it('refuses to invent a new key for a database that already holds a log', async () => {
    running = await start();
    await running.close();
    running = undefined;
    unlinkSync(env.LEDGER_KEY_FILE!);
    await expect(start()).rejects.toThrow(/does not exist/);
  });

  it('refuses a key whose name is not the configured origin', async () => {
    running = await start();
    await running.close();
    running = undefined;
    env.LEDGER_ORIGIN = 'ledger.test/other';
    await expect(start()).rejects.toThrow(/must match/);
  });

  it('records its own access at start-up: the key, the dev tokens (which expire) and the trusted issuers, by LEDGER_OPERATOR', async () => {
    const key = await testKey('gh-1', 'RS256');
    writeJwks(t.dir, 'gh.jwks.json', key);
    writeFileSync(path.join(t.dir, 'oidc.json'), JSON.stringify([{ issuer: 'https://token.actions.githubusercontent.com', audience: 'ledger', jwks: 'gh.jwks.json', source: 'github:{repository}' }]));
    env = { ...env, LEDGER_OIDC: path.join(t.dir, 'oidc.json'), LEDGER_OPERATOR: 'ops@example.com', LEDGER_DEV_TOKEN_TTL_DAYS: '2' };
    const before = Date.now();
    running = await start();
    const actions = () => [...running!.store.log.iterate(0, running!.store.log.size())].map((e) => decodeLeaf(e.leaf)).map((e) => [e.source, e.record.actor.id, e.record.details?.action]);
    expect(actions()).toEqual([
      ['ledger:self', 'ops@example.com', 'signing_key_in_use'],
      ['ledger:self', 'ops@example.com', 'trusted_issuer_added'],
      ['ledger:self', 'ops@example.com', 'token_issued'],
      ['ledger:self', 'ops@example.com', 'token_issued'],
      ['ledger:self', 'ops@example.com', 'token_issued'],
    ]);
    const devWriter = [...running.store.log.iterate(2, 3)].map((e) => decodeLeaf(e.leaf))[0]!.record as { expiresAt: string };
    const ttl = Date.parse(devWriter.expiresAt) - before;
    expect(ttl).toBeGreaterThanOrEqual(2 * 86_400_000 - 1000);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400_000 + 60_000);
    expect(lines.join('\n')).toContain(`they expire ${devWriter.expiresAt}`);

    // A workload token over the real port.
    const jwt = await signJwt(key, githubClaims(Date.now(), 'ledger'));
    const res = await fetch(`${running.url}/v1/entries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(rotation(1)),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { entry: { source: string } }).entry.source).toBe('github:octo-org/octo-repo');

    // Restarted without LEDGER_OIDC: the issuer's removal is recorded, once.
    await running.close();
    delete env.LEDGER_OIDC;
    running = await start();
    expect(actions().slice(6)).toEqual([['ledger:self', 'ops@example.com', 'trusted_issuer_removed']]);
    await running.close();
    running = await start();
    expect(actions()).toHaveLength(7);
  });
});
