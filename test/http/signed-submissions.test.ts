/**
 * Signed submissions: a source registers an Ed25519 key (an entry itself); from then on its
 * records need a detached signature over their RFC 8785 canonical bytes, which the ledger
 * verifies and keeps as the envelope's `signature`, and which an offline verifier checks.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { decodeLeaf, type EntryEnvelope } from '../../src/evidence/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import { SignatureTracker } from '../../src/verify/signatures.js';
import { openTestLedger, rotation, approval, TEST_SETTINGS, type TestLedger } from '../support/ledger.js';
import { AccessRecorder } from '../../src/ledger/access-recorder.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { validateRecord, type EvidenceRecord } from '../../src/evidence/index.js';

function validated(input: unknown): EvidenceRecord {
  const v = validateRecord(input);
  if (!v.ok) throw new Error('invalid test record');
  return v.record;
}
import { fetchBundle } from '../verify/scenario.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runVerifyCli } from '../../src/cli/verify.js';
import { describeOutcome } from '../../web/result-view.js';
import { verifyInput } from '../../web/verify-input.js';
import { tempDir } from '../support/tmp.js';

function keyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKey: raw.toString('base64') };
}

/** What a posting system does: sign the UTF-8 of the record's canonical JSON (the canonicalize library, not ours). */
function signRecord(privateKey: KeyObject, record: unknown): string {
  return sign(null, Buffer.from(canonicalize(record)!, 'utf8'), privateKey).toString('base64');
}

describe('signed submissions', () => {
  let t: TestLedger;
  const as = (role: 'writer' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });
  beforeEach(() => {
    t = openTestLedger();
  });
  afterEach(() => t.cleanup());

  it('requires, verifies and keeps signatures once a source registered a key, and a verifier checks them offline', async () => {
    const { privateKey, publicKey } = keyPair();
    // Unsigned records are fine before registration, and keep today's exact envelope (no signature member).
    const before = await request(t.app).post('/v1/entries').set(as('writer')).send(rotation(0)).expect(201);
    expect(Object.keys(before.body.entry)).toEqual(['index', 'prev', 'receivedAt', 'record', 'source', 'v']);

    const reg = await request(t.app).post('/v1/source-keys').set(as('admin')).send({ source: 'test-writer', publicKey }).expect(201);
    expect(reg.body).toEqual({ source: 'test-writer', publicKey, algorithm: 'ed25519', index: 1 });
    const registration = decodeLeaf([...t.store.log.iterate(1, 2)][0]!.leaf);
    expect(registration).toMatchObject({ source: 'ledger:self', record: { type: 'change', actor: { id: 'test-admin' }, details: { action: 'source_signing_key_registered', source: 'test-writer', ed25519Public: publicKey } } });

    const unsigned = await request(t.app).post('/v1/entries').set(as('writer')).send(rotation(1)).expect(400);
    expect(unsigned.body.field).toBe('Evidence-Signature');

    const record = rotation(2);
    const sig = signRecord(privateKey, record);
    const signed = await request(t.app).post('/v1/entries').set(as('writer')).set('Evidence-Signature', sig).send(record).expect(201);
    expect(signed.body.entry.signature).toBe(sig);
    // The leaf is the canonical JSON of the envelope, signature member in its sorted place.
    const leaf = Buffer.from(signed.body.leaf, 'base64').toString('utf8');
    expect(leaf).toBe(canonicalize({ ...signed.body.entry }));
    expect(leaf.indexOf('"signature":')).toBeGreaterThan(leaf.indexOf('"record":'));

    const batch = [approval(3), rotation(4)];
    const sigs = batch.map((r) => signRecord(privateKey, r));
    await request(t.app).post('/v1/entries/batch').set(as('writer')).set('Evidence-Signature', sigs.join(', ')).send({ records: batch }).expect(201);
    const swapped = await request(t.app).post('/v1/entries/batch').set(as('writer')).set('Evidence-Signature', [...sigs].reverse().join(',')).send({ records: batch }).expect(400);
    expect(swapped.body.detail).toMatch(/record 0 does not verify/);
    const other = keyPair();
    await request(t.app).post('/v1/entries').set(as('writer')).set('Evidence-Signature', signRecord(other.privateKey, record)).send(record).expect(400);
    await request(t.app).post('/v1/entries').set(as('writer')).set('Evidence-Signature', 'not base64!').send(record).expect(400);

    t.ledger.tick();
    const { bundle, text } = await fetchBundle(t);
    const report = verifyBundle(nobleCrypto, bundle, t.ledger.key().verifierKey);
    expect(report.ok).toBe(true);
    expect(report.summary.signatures).toEqual({ verified: 3, unchecked: 0 });

    // `ledger verify` and the browser page (its logic, on @noble) say the same.
    const dir = tempDir();
    try {
      const file = path.join(dir.dir, 'bundle.json');
      writeFileSync(file, text);
      let stdout = '';
      const code = await runVerifyCli(['verify', file, '--key', t.ledger.key().verifierKey], { stdout: (s) => (stdout += s), stderr: () => {} });
      expect(code).toBe(0);
      expect(stdout).toContain('signatures: 3 verified under keys registered in the bundle\n');
      const bytes = new TextEncoder().encode(text);
      const chunks = (async function* () {
        yield bytes;
      })();
      const pacing = { sliceMs: Infinity, now: () => 0, yieldToBrowser: async () => {} };
      const view = describeOutcome(await verifyInput(nobleCrypto, { chunks, totalBytes: bytes.length, key: t.ledger.key().verifierKey }, pacing));
      expect(view.transcript).toBe(stdout);
    } finally {
      dir.cleanup();
    }
  });

  it('refuses registration by a non-admin, of a malformed key, or for the reserved source', async () => {
    const { publicKey } = keyPair();
    await request(t.app).post('/v1/source-keys').set(as('writer')).send({ source: 'test-writer', publicKey }).expect(403);
    const short = await request(t.app).post('/v1/source-keys').set(as('admin')).send({ source: 'test-writer', publicKey: 'AAAA' }).expect(400);
    expect(short.body.field).toBe('publicKey');
    const reserved = await request(t.app).post('/v1/source-keys').set(as('admin')).send({ source: 'ledger:self', publicKey }).expect(400);
    expect(reserved.body.field).toBe('source');
    expect(t.store.log.size()).toBe(0);
  });

  it('a key registered in the same batch applies to the submissions after it, and is read back when the ledger reopens', async () => {
    const { privateKey, publicKey } = keyPair();
    const key = new Uint8Array(Buffer.from(publicKey, 'base64'));
    const access = new AccessRecorder(t.ledger, { controlId: 'LEDGER-AC-01', tokenTtlDays: 90, devTokenTtlDays: 7 });
    const record = validated(rotation(9));
    // Submitted in one event-loop turn, so they are committed in one batch, in this order.
    const registering = access.registerSourceKey({ id: 'alice', kind: 'human' }, 'ci', key);
    const unsigned = t.ledger.append('ci', [record]);
    const signed = t.ledger.append('ci', [record], undefined, 'entry', { signatures: [signRecord(privateKey, rotation(9))], signedWith: key });
    await expect(registering).resolves.toEqual({ index: 0 });
    await expect(unsigned).rejects.toMatchObject({ code: 'SIGNATURE_REQUIRED' });
    expect((await signed).entries[0]!.index).toBe(1);

    t.ledger.close();
    const reopened = Ledger.open({ store: t.store, signer: t.signer, crypto: nodeCrypto, settings: TEST_SETTINGS, clock: () => t.now.ms });
    expect(reopened.sourceKey('ci')).toEqual(key);
    expect(t.store.access.allSourceKeys()).toEqual([{ source: 'ci', publicKey: key, entryIndex: 0 }]);
    await expect(reopened.append('ci', [record])).rejects.toMatchObject({ code: 'SIGNATURE_REQUIRED' });
    reopened.close();
  });
});

describe('the offline signature check', () => {
  const { privateKey, publicKey } = keyPair();
  const base = { v: 1 as const, prev: '0'.repeat(64), receivedAt: '2026-09-14T02:00:00.000Z' };
  const reg: EntryEnvelope = {
    ...base,
    index: 0,
    source: 'ledger:self',
    record: {
      type: 'change', controlId: 'LEDGER-AC-01', system: 's', actor: { id: 'a', kind: 'human' }, subject: { id: 'ci', kind: 'workload' },
      occurredAt: '2026-09-14T02:00:00Z', changeId: 'c', environment: 's',
      details: { action: 'source_signing_key_registered', source: 'ci', algorithm: 'ed25519', ed25519Public: publicKey },
    },
  };
  const rec = rotation(1) as EntryEnvelope['record'];

  it('verifies good signatures, and reports bad and missing ones only after the registration', () => {
    const tracker = new SignatureTracker(nobleCrypto);
    const good = signRecord(privateKey, rec);
    const bad = signRecord(keyPair().privateKey, rec);
    // Before the registration: a signed entry cannot be checked, an unsigned one is fine.
    expect(tracker.observe({ ...base, index: 0, source: 'ci', record: rec, signature: good })).toEqual([]);
    expect(tracker.observe({ ...base, index: 1, source: 'ci', record: rec })).toEqual([]);
    expect(tracker.observe({ ...reg, index: 2 })).toEqual([]);
    expect(tracker.observe({ ...base, index: 3, source: 'ci', record: rec, signature: good })).toEqual([]);
    expect(tracker.observe({ ...base, index: 4, source: 'ci', record: rec, signature: bad }).map((p) => p.code)).toEqual(['BAD_SIGNATURE']);
    expect(tracker.observe({ ...base, index: 5, source: 'ci', record: rec }).map((p) => p.code)).toEqual(['UNSIGNED_ENTRY']);
    expect(tracker.observe({ ...base, index: 6, source: 'other', record: rec })).toEqual([]);
    // A registration from any other source is not one.
    const forged = new SignatureTracker(nobleCrypto);
    forged.observe({ ...reg, source: 'ci' });
    expect(forged.observe({ ...base, index: 7, source: 'ci', record: rec })).toEqual([]);
    expect(tracker.counts).toEqual({ verified: 1, unchecked: 1 });
  });
});
