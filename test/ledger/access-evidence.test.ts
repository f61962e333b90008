/**
 * The ledger's own access as evidence: every token issued, revoked or expired, every trusted
 * issuer added, changed or removed and the checkpoint key are entries of the log itself, made in
 * the same commit as the change, with the admin as actor.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { decodeLeaf, validateRecord, type EntryEnvelope } from '../../src/evidence/index.js';
import { AccessRecorder } from '../../src/ledger/access-recorder.js';
import { loadTrustedIssuers, type TrustedIssuer } from '../../src/identity/oidc-config.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { testKey, writeJwks } from '../support/oidc.js';

const settings = { controlId: 'LEDGER-AC-01', tokenTtlDays: 90, devTokenTtlDays: 7 };

function entries(t: TestLedger): EntryEnvelope[] {
  return [...t.store.log.iterate(0, t.store.log.size())].map((e) => decodeLeaf(e.leaf));
}

describe("the ledger's own access as evidence", () => {
  let t: TestLedger;
  const admin = () => ({ Authorization: `Bearer ${t.tokens.admin}` });
  beforeEach(() => {
    t = openTestLedger({ nowMs: Date.parse('2026-09-14T02:00:00.000Z') });
  });
  afterEach(() => t.cleanup());

  it('records a token issued through the API as credential_issuance, with the admin as actor and a default expiry', async () => {
    const res = await request(t.app).post('/v1/tokens').set(admin()).send({ role: 'writer', source: 'payments-exporter' }).expect(201);
    expect(res.body.expiresAt).toBe('2026-12-13T02:00:00.000Z'); // 90 days
    const [entry] = entries(t);
    expect(entry).toMatchObject({
      index: 0,
      source: 'ledger:self',
      record: {
        type: 'credential_issuance',
        controlId: 'LEDGER-AC-01',
        system: 'ledger.test/log',
        actor: { id: 'test-admin', kind: 'human' },
        subject: { id: 'payments-exporter', kind: 'api_key' },
        credentialId: res.body.id,
        credentialType: 'api_key',
        expiresAt: '2026-12-13T02:00:00.000Z',
        ephemeral: false,
        occurredAt: '2026-09-14T02:00:00.000Z',
        details: { action: 'token_issued', role: 'writer' },
      },
    });
    // Never the token itself.
    expect(JSON.stringify(entry)).not.toContain(res.body.token);
    expect(t.store.tokens.findById(res.body.id)).toMatchObject({ role: 'writer', expiresAt: '2026-12-13T02:00:00.000Z' });
  });

  it('records a revocation, with the admin as actor, and refuses a second one without a second entry', async () => {
    const issued = await request(t.app).post('/v1/tokens').set(admin()).send({ role: 'auditor', source: 'ext-audit' }).expect(201);
    await request(t.app).delete(`/v1/tokens/${issued.body.id}`).set(admin()).expect(204);
    await request(t.app).delete(`/v1/tokens/${issued.body.id}`).set(admin()).expect(404);
    const all = entries(t);
    expect(all).toHaveLength(2);
    expect(all[1]!.record).toMatchObject({
      type: 'revocation',
      actor: { id: 'test-admin', kind: 'human' },
      credentialId: issued.body.id,
      entitlement: 'ledger-role:auditor',
      reason: 'revoked by an administrator',
    });
    expect(t.store.tokens.findById(issued.body.id)?.revokedAt).toBe('2026-09-14T02:00:00.000Z');
  });

  it('refuses a token source that could be mistaken for the ledger itself or hides characters', async () => {
    for (const source of ['ledger:self', 'svc\u200Bexporter', 'svc\u202Eexporter']) {
      const res = await request(t.app).post('/v1/tokens').set(admin()).send({ role: 'writer', source }).expect(400);
      expect(res.body.field).toBe('source');
    }
    expect(t.store.log.size()).toBe(0);
  });

  it('records an expiry once, after it passed, with scheduledAt = the expiry so any lag shows', async () => {
    const access = new AccessRecorder(t.ledger, settings);
    const issued = await access.issueToken({ id: 'alice', kind: 'human' }, { role: 'writer', source: 'ci', expiresAt: '2026-09-14T03:00:00.000Z' });
    expect(await access.recordExpiries()).toBe(0);
    t.now.ms = Date.parse('2026-09-14T03:00:30.000Z');
    // The token is refused from its expiry on, whether or not the expiry is recorded yet.
    await request(t.app).get('/v1/entries').set('Authorization', `Bearer ${issued.token}`).expect(401);
    expect(await access.recordExpiries()).toBe(1);
    expect(await access.recordExpiries()).toBe(0);
    const last = entries(t).at(-1)!;
    expect(last.record).toMatchObject({
      type: 'revocation',
      actor: { id: 'ledger:self', kind: 'system' },
      credentialId: issued.id,
      reason: 'expired',
      scheduledAt: '2026-09-14T03:00:00.000Z',
      occurredAt: '2026-09-14T03:00:30.000Z',
    });
  });

  it('commits the token row and its entry together: when the commit fails, neither exists', async () => {
    const access = new AccessRecorder(t.ledger, settings);
    // The tokens table refuses a second row with the same hash: make the token row fail inside the commit.
    const original = t.store.tokens.add.bind(t.store.tokens);
    t.store.tokens.add = () => {
      throw new Error('disk gone');
    };
    await expect(access.issueToken({ id: 'alice', kind: 'human' }, { role: 'writer', source: 'ci' })).rejects.toThrow();
    t.store.tokens.add = original;
    expect(t.store.log.size()).toBe(0);
    expect(t.store.tokens.total()).toBe(3); // the three test tokens only
    // And the ledger goes on: the next issuance commits both.
    await access.issueToken({ id: 'alice', kind: 'human' }, { role: 'writer', source: 'ci' });
    expect(t.store.log.size()).toBe(1);
    expect(t.store.tokens.total()).toBe(4);
  });

  it('makes records that pass the same validation and secret screen as any posted record', async () => {
    const access = new AccessRecorder(t.ledger, settings);
    const alice = { id: 'alice', kind: 'human' as const };
    const issued = await access.issueToken(alice, { role: 'writer', source: 'ci', expiresAt: '2026-09-14T02:30:00.000Z' });
    await access.issueToken(alice, { role: 'auditor', source: 'audit' }).then((a) => access.revokeToken(alice, a.id));
    t.now.ms += 3_600_000;
    await access.recordExpiries();
    await access.registerSourceKey(alice, 'ci', new Uint8Array(32).fill(7));
    const tmp = tempDir();
    try {
      writeJwks(tmp.dir, 'k.json', await testKey('k', 'RS256'));
      const file = path.join(tmp.dir, 'oidc.json');
      writeFileSync(file, JSON.stringify([{ issuer: 'https://gitlab.example.com', audience: 'ledger', jwks: 'k.json', source: '{sub}' }]));
      const loaded = loadTrustedIssuers(file);
      if (!('issuers' in loaded)) throw new Error('bad config');
      await access.recordStartup(alice, loaded.issuers);
      await access.recordStartup(alice, []);
    } finally {
      tmp.cleanup();
    }
    const all = entries(t);
    expect(all.map((e) => e.record.details?.action)).toEqual([
      'token_issued', 'token_issued', 'token_revoked', 'token_expired', 'source_signing_key_registered',
      'signing_key_in_use', 'trusted_issuer_added', 'trusted_issuer_removed',
    ]);
    for (const e of all) {
      const checked = validateRecord(JSON.parse(JSON.stringify(e.record)));
      expect(checked.ok ? [] : checked.problems, String(e.record.details?.action)).toEqual([]);
      expect(JSON.stringify(e)).not.toContain(issued.token);
    }
  });

  it('refuses appends that claim the reserved source', async () => {
    await expect(t.ledger.append('ledger:self', [])).rejects.toMatchObject({ code: 'INVALID_ENTRY' });
  });

  describe('at start-up', () => {
    const tmp = tempDir();
    afterAll(() => tmp.cleanup());
    async function issuersFrom(config: unknown[]): Promise<TrustedIssuer[]> {
      const file = path.join(tmp.dir, 'oidc.json');
      writeFileSync(file, JSON.stringify(config));
      const loaded = loadTrustedIssuers(file);
      if (!('issuers' in loaded)) throw new Error(JSON.stringify(loaded.problems));
      return loaded.issuers;
    }

    it('records the checkpoint key once, and each issuer added, changed (settings or keys) and removed once', async () => {
      const key1 = await testKey('k1', 'ES256');
      const key2 = await testKey('k2', 'ES256');
      writeJwks(tmp.dir, 'gh.json', key1);
      writeJwks(tmp.dir, 'gl.json', key1);
      const gh = { issuer: 'https://token.actions.githubusercontent.com', audience: 'ledger', jwks: 'gh.json', source: 'github:{repository}' };
      const gl = { issuer: 'https://gitlab.example.com', audience: 'ledger', jwks: 'gl.json', source: 'gitlab:{project_path}' };
      const operator = { id: 'ops@example.com', kind: 'human' as const };
      const access = new AccessRecorder(t.ledger, settings);

      expect(await access.recordStartup(operator, await issuersFrom([gh, gl]))).toBe(3);
      const first = entries(t);
      expect(first.map((e) => e.record.details?.action)).toEqual(['signing_key_in_use', 'trusted_issuer_added', 'trusted_issuer_added']);
      expect(first[0]!.record).toMatchObject({ type: 'change', actor: operator, details: { verifier: t.ledger.key().verifierKey } });
      expect(first[1]!.record).toMatchObject({ subject: { id: gh.issuer, kind: 'workload' }, details: { audience: 'ledger', sourceTemplate: 'github:{repository}', role: 'writer' } });

      // The same configuration again: nothing new.
      expect(await access.recordStartup(operator, await issuersFrom([gh, gl]))).toBe(0);
      // GitHub's key file rotated, GitLab's audience changed: two changes.
      writeJwks(tmp.dir, 'gh.json', key1, key2);
      expect(await access.recordStartup(operator, await issuersFrom([gh, { ...gl, audience: 'ledger-2' }]))).toBe(2);
      expect(entries(t).slice(3).map((e) => e.record.details?.action)).toEqual(['trusted_issuer_changed', 'trusted_issuer_changed']);
      // GitLab removed: a revocation of its trust.
      expect(await access.recordStartup(operator, await issuersFrom([gh]))).toBe(1);
      expect(entries(t).at(-1)!.record).toMatchObject({ type: 'revocation', entitlement: `ledger-trusted-issuer:${gl.issuer}`, reason: 'removed from LEDGER_OIDC' });
      expect(await access.recordStartup(operator, await issuersFrom([gh]))).toBe(0);
    });
  });
});
