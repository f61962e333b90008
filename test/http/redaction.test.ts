/** POST /v1/entries/{index}/redaction and how a redacted entry reads (contract, "Redaction"), through HTTP and a real SQLite file. */
import { readFileSync, existsSync } from 'node:fs';
import pg from 'pg';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { fromHex } from '../../src/crypto/bytes.js';
import { verifyInclusion } from '../../src/merkle/index.js';
import { generateToken } from '../../src/http/tokens.js';
import { verifyBundle } from '../../src/verify/index.js';
import { entryLine, summaryText } from '../../src/verify/print.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { testDatabaseUrl } from '../support/pg-schema.js';

/** Values that passed the screen but must not be kept: markers we can grep the files for. */
const SUBJECT_MARKER = 'svc-zebra-quartz-7734';
const NOTE_MARKER = 'pasted the vault unseal phrase walrus-tangerine-0412 here';

function leakyRecord(): Record<string, unknown> {
  return { ...rotation(9), subject: { id: SUBJECT_MARKER, kind: 'service_account' }, details: { note: NOTE_MARKER } };
}

function fileHolds(path: string, text: string): boolean {
  return existsSync(path) && readFileSync(path).includes(Buffer.from(text));
}

describe('redaction over HTTP', () => {
  let t: TestLedger;
  afterEach(() => t.cleanup());
  const as = (role: 'writer' | 'auditor' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });
  const ask = { reason: 'A vault unseal phrase was pasted into details.note (SEC-3301).', ticket: 'SEC-3301' };

  async function seed(): Promise<void> {
    await request(t.app).post('/v1/entries').set(as('writer')).send(rotation(1)).expect(201);
    await request(t.app).post('/v1/entries').set(as('writer')).send(leakyRecord()).expect(201);
    await request(t.app).post('/v1/entries').set(as('writer')).send(rotation(2)).expect(201);
    t.ledger.indexSearchStep(100);
    t.ledger.tick();
  }

  it('removes the leaf, keeps index, leaf hash and proofs, and answers the entry by hash only', async () => {
    t = openTestLedger();
    await seed();
    const before = (await request(t.app).get('/v1/entries/1').set(as('auditor')).expect(200)).body;
    const res = await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
    expect(res.body.index).toBe(3);
    expect(res.body.entry.record).toMatchObject({ type: 'redaction', targetIndex: 1, targetLeafHash: before.leafHash, reason: ask.reason, ticket: 'SEC-3301', actor: { id: 'test-admin', kind: 'human' } });
    expect(res.body.entry.source).toBe('test-admin');
    expect(res.body.redaction).toEqual({ target: 1, approvals: 1, required: 1, applied: true });

    const after = await request(t.app).get('/v1/entries/1').set(as('auditor')).expect(200);
    expect(after.body).toEqual({ index: 1, leafHash: before.leafHash, redacted: { by: 3 } });
    // The next entry still chains to the redacted entry's hash, and its inclusion proof still holds.
    const next = (await request(t.app).get('/v1/entries/2').set(as('auditor')).expect(200)).body;
    expect(next.entry.prev).toBe(before.leafHash);
    t.ledger.tick();
    const proof = (await request(t.app).get('/v1/proofs/inclusion?index=1').expect(200)).body;
    expect(proof.leafHash).toBe(before.leafHash);
    const root = t.ledger.latestCheckpoint()!.rootHash;
    expect(verifyInclusion(nodeCrypto, { leafHash: fromHex(proof.leafHash), index: 1, size: proof.treeSize, proof: proof.proof.map(fromHex), root }).ok).toBe(true);
    // Listings show it the same way; its tlog-proof (which would carry the leaf) is gone.
    const listing = (await request(t.app).get('/v1/entries').set(as('auditor')).expect(200)).body;
    expect(listing.entries[1]).toEqual({ index: 1, leafHash: before.leafHash, redacted: { by: 3 } });
    await request(t.app).get('/v1/entries/1/tlog-proof').set(as('auditor')).expect(410);
    // The tlog-tiles entry bundle holding it is gone, as its tlog-proof is (no bytes can stand in for the leaf).
    const tile = await request(t.app).get('/tlog/tile/entries/000.p/4').set(as('auditor')).expect(410);
    expect(tile.body.detail).toMatch(/entry 1 was redacted/);
    // No listing by the removed values finds it any more.
    const bySubject = (await request(t.app).get(`/v1/entries?subject=${SUBJECT_MARKER}`).set(as('auditor')).expect(200)).body;
    expect(bySubject.entries).toEqual([]);
  });

  it('leaves no byte of the removed values in the database, its WAL or its shared memory', async () => {
    t = openTestLedger({ sqliteFile: true });
    await seed();
    expect(fileHolds(t.dbPath, SUBJECT_MARKER) || fileHolds(`${t.dbPath}-wal`, SUBJECT_MARKER)).toBe(true);
    await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
    for (const file of [t.dbPath, `${t.dbPath}-wal`, `${t.dbPath}-shm`]) {
      for (const marker of [SUBJECT_MARKER, NOTE_MARKER, 'walrus-tangerine']) expect(fileHolds(file, marker), `${file} holds ${marker}`).toBe(false);
    }
  });

  /**
   * The relations of `t`'s PostgreSQL schema whose pages (dead row versions included, as
   * pageinspect reads them) still hold one of the removed values.
   */
  function pagesHoldingRemovedValues(): () => string[] {
    const db = t.store.db;
    db.exec('CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public');
    const toast = db.prepare("SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = 'entries'::regclass").pluck().get() as string;
    const holding = (marker: string) =>
      ['entries', 'entry_search', toast].filter((rel) => {
        const sql = `SELECT count(*) FROM generate_series(0, (pg_relation_size(?::regclass) / current_setting('block_size')::int)::int - 1) AS b,
          public.heap_page_items(public.get_raw_page(?, b)) AS h WHERE position(CAST(? AS bytea) IN h.t_data) > 0`;
        return (db.prepare(sql).pluck().get(rel, rel, Buffer.from(marker)) as number) > 0;
      });
    return () => [...holding(SUBJECT_MARKER), ...holding('walrus-tangerine')];
  }

  /** Polls `left` until it is empty or the deadline passes; returns what is left. */
  async function untilEmpty(left: () => string[], deadlineMs: number): Promise<string[]> {
    const deadline = Date.now() + deadlineMs;
    let now = left();
    while (now.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      now = left();
    }
    return now;
  }

  it.skipIf(!testDatabaseUrl())('on PostgreSQL, leaves no row version of the removed values once VACUUM has run', async () => {
    t = openTestLedger({ postgres: true });
    await seed();
    const left = pagesHoldingRemovedValues();
    expect(left()).not.toEqual([]);
    await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
    // VACUUM runs on a session of its own after the redaction commits, again while other sessions
    // of this database (other tests) still see the old row versions: poll for it.
    expect(await untilEmpty(left, 60_000)).toEqual([]);
  });

  it.skipIf(!testDatabaseUrl())('on PostgreSQL, runs VACUUM again once a transaction older than the redaction has ended', async () => {
    t = openTestLedger({ postgres: true });
    await seed();
    const db = t.store.db;
    // Only the service's VACUUM may clean here.
    db.exec('ALTER TABLE entries SET (autovacuum_enabled = false); ALTER TABLE entry_search SET (autovacuum_enabled = false)');
    const left = pagesHoldingRemovedValues();
    const older = new pg.Client({ connectionString: t.dbPath });
    await older.connect();
    try {
      // A snapshot taken before the redaction: PostgreSQL keeps every row version it can see.
      await older.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await older.query('SELECT count(*) FROM entries');
      await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
      const vacuums = () => db.prepare("SELECT coalesce(sum(vacuum_count), 0)::int FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'entries'").pluck().get() as number;
      const deadline = Date.now() + 20_000;
      while (vacuums() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // VACUUM ran (twice) and could not remove them.
      expect(vacuums()).toBeGreaterThanOrEqual(2);
      expect(left()).not.toEqual([]);
      await older.query('ROLLBACK');
      expect(await untilEmpty(left, 60_000)).toEqual([]);
    } finally {
      await older.end();
    }
  });

  it('carries a redacted entry in bundles by hash only; the offline verifier checks it by hash and reports it as redacted', async () => {
    t = openTestLedger();
    await seed();
    await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
    t.ledger.tick();
    const bundle = (await request(t.app).get('/v1/bundles').set(as('auditor')).expect(200)).body;
    const carried = bundle.entries.find((e: { index: number }) => e.index === 1);
    expect(Object.keys(carried).sort()).toEqual(['index', 'leafHash', 'proof', 'redacted']);
    expect(carried.redacted).toEqual({ by: 3 });
    expect(JSON.stringify(bundle)).not.toContain(SUBJECT_MARKER);

    const vkey = (await request(t.app).get('/v1/key')).body.verifierKey;
    const report = verifyBundle(nodeCrypto, bundle, vkey);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary.redacted).toBe(1);
    expect(report.entries[1]).toMatchObject({ index: 1, ok: true, redacted: { by: 3 } });
    expect(entryLine(report.entries[1]!)).toMatch(/entry 1: redacted by entry 3/);
    expect(summaryText(report.summary)).toMatch(/1 redacted/);

    // A different hash in its place breaks its inclusion proof (and the next entry's prev, whose
    // failure is the same cause: reported once, on the entry that caused it, issue 13).
    const forged = structuredClone(bundle);
    forged.entries[1].leafHash = 'ab'.repeat(32);
    const bad = verifyBundle(nodeCrypto, forged, vkey);
    expect(bad.ok).toBe(false);
    expect(bad.entries[1]!.problems.map((p) => p.code)).toContain('BAD_INCLUSION');
    expect(bad.entries[2]!.problems.map((p) => p.code)).not.toContain('BROKEN_CHAIN');
  });

  it('answers 410 to a retry whose Idempotency-Key produced an entry since redacted, and appends nothing', async () => {
    t = openTestLedger();
    await request(t.app).post('/v1/entries').set(as('writer')).set('Idempotency-Key', 'leak-1').send(leakyRecord()).expect(201);
    await request(t.app).post('/v1/entries/0/redaction').set(as('admin')).send(ask).expect(201);
    const retry = await request(t.app).post('/v1/entries').set(as('writer')).set('Idempotency-Key', 'leak-1').send(leakyRecord()).expect(410);
    expect(retry.body.field).toBe('Idempotency-Key');
    expect(JSON.stringify(retry.body)).not.toContain(SUBJECT_MARKER);
    expect(t.store.log.size()).toBe(2);
  });

  it('answers 409 for a redaction entry, an entry already redacted, and a second request by the same admin', async () => {
    t = openTestLedger();
    await seed();
    await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
    expect((await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(409)).body.field).toBe('index');
    await request(t.app).post('/v1/entries/3/redaction').set(as('admin')).send(ask).expect(409);
    await request(t.app).post('/v1/entries/99/redaction').set(as('admin')).send(ask).expect(404);
    expect(t.store.log.size()).toBe(4);
  });

  it('needs an admin, a reason and a ticket, and screens them like any record', async () => {
    t = openTestLedger();
    await seed();
    await request(t.app).post('/v1/entries/1/redaction').send(ask).expect(401);
    await request(t.app).post('/v1/entries/1/redaction').set(as('auditor')).send(ask).expect(403);
    await request(t.app).post('/v1/entries/1/redaction').set(as('writer')).send(ask).expect(403);
    expect((await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send({ reason: 'x' }).expect(400)).body.field).toBe('ticket');
    const secret = ['gh', 'p_', 'Q7v2K9xLm4Rt8Wz1Pq6Ys3Nd5Fh0Jc2Bg4Vk'].join('');
    const res = await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send({ reason: `the token ${secret} leaked`, ticket: 'SEC-1' }).expect(400);
    expect(res.body.field).toBe('reason');
    expect(t.store.log.size()).toBe(3);
  });

  it('refuses a redaction record posted by a writer as evidence', async () => {
    t = openTestLedger();
    const forged = { type: 'redaction', controlId: 'LEDGER-REDACTION', system: 's', actor: { id: 'a', kind: 'human' }, subject: { id: 's', kind: 'system' }, occurredAt: '2026-09-14T02:00:00Z', targetIndex: 0, targetLeafHash: '0'.repeat(64), reason: 'r' };
    expect((await request(t.app).post('/v1/entries').set(as('writer')).send(forged).expect(400)).body.field).toBe('type');
    expect((await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(1), forged] }).expect(400)).body.field).toBe('records.1.type');
    expect(t.store.log.size()).toBe(0);
  });

  it('with LEDGER_REDACTION_APPROVALS=2 removes the leaf only at a second admin\'s approval, each an entry', async () => {
    t = openTestLedger({ settings: { redactionApprovals: 2 } });
    await seed();
    const second = generateToken('admin');
    t.store.tokens.add({ id: second.id, hash: second.hash, role: 'admin', source: 'second-admin', createdAt: 'x', expiresAt: null });
    const first = await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(201);
    expect(first.body.redaction).toEqual({ target: 1, approvals: 1, required: 2, applied: false });
    expect((await request(t.app).get('/v1/entries/1').set(as('auditor')).expect(200)).body.entry.subject).toBeUndefined();
    expect((await request(t.app).get('/v1/entries/1').set(as('auditor')).expect(200)).body.entry.record.subject.id).toBe(SUBJECT_MARKER);
    await request(t.app).post('/v1/entries/1/redaction').set(as('admin')).send(ask).expect(409);
    const done = await request(t.app).post('/v1/entries/1/redaction').set({ Authorization: `Bearer ${second.token}` }).send(ask).expect(201);
    expect(done.body.redaction).toEqual({ target: 1, approvals: 2, required: 2, applied: true });
    expect((await request(t.app).get('/v1/entries/1').set(as('auditor')).expect(200)).body).toEqual({ index: 1, leafHash: expect.any(String), redacted: { by: done.body.index } });
  });
});
