/**
 * GET /v1/periods/{id}, GET /v1/periods?kind= and the `late` filter of GET /v1/entries, as
 * ../shared/CONTRACT.md says. Expected sizes and lateness are worked out by hand from the
 * times the fake clock stamps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { fromHex } from '../../src/crypto/bytes.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { verifyConsistency } from '../../src/merkle/index.js';
import { openCheckpoint, parseVerifierKey, type Checkpoint } from '../../src/note/index.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

type Role = 'writer' | 'auditor' | 'admin';

let t: TestLedger;
afterEach(() => t.cleanup());

const as = (role: Role) => ({ Authorization: `Bearer ${t.tokens[role]}` });
const get = (path: string, role: Role = 'auditor') => request(t.app).get(path).set(as(role));

async function appendAt(iso: string, count = 1, occurredAt?: string): Promise<void> {
  t.now.ms = Date.parse(iso);
  const records = Array.from({ length: count }, (_, i) => {
    const r = rotation(t.ledger.size + i);
    return (occurredAt ? { ...r, occurredAt } : r) as unknown as EvidenceRecord;
  });
  await t.ledger.append('test-writer', records);
}

function tickAt(iso: string): void {
  t.now.ms = Date.parse(iso);
  t.ledger.tick();
}

/** Entries 0-2 on 2026-09-29, 3-4 on 2026-09-30, 5 on 2026-10-01; closes through 2026-09-30. */
async function threeDays(): Promise<void> {
  t = openTestLedger({ nowMs: Date.parse('2026-09-29T08:00:00.000Z') });
  await appendAt('2026-09-29T08:00:00.000Z', 3);
  tickAt('2026-09-30T00:00:00.100Z');
  await appendAt('2026-09-30T12:00:00.000Z', 2);
  await appendAt('2026-10-01T00:00:00.000Z');
  tickAt('2026-10-01T00:00:01.000Z');
}

async function openServed(note: string): Promise<Checkpoint> {
  const key = (await request(t.app).get('/v1/key').expect(200)).body;
  return openCheckpoint(nodeCrypto, note, [parseVerifierKey(nodeCrypto, key.verifierKey)], { expectedOrigin: key.origin })
    .checkpoint;
}

describe('GET /v1/periods/{id}', () => {
  it('serves a close with its signed checkpoint and a consistency proof from the previous close', async () => {
    await threeDays();
    const res = await get('/v1/periods/2026-09-30').expect(200);
    expect(res.body).toMatchObject({
      period: '2026-09-30',
      start: '2026-09-30T00:00:00.000Z',
      end: '2026-10-01T00:00:00.000Z',
      treeSize: 5,
      previous: { period: '2026-09-29', treeSize: 3 },
    });
    const served = await request(t.app).get('/v1/checkpoints/5').expect(200);
    expect(res.body.checkpoint).toBe(served.text);

    const previousNote = (await get('/v1/periods/2026-09-29').expect(200)).body.checkpoint as string;
    const oldCp = await openServed(previousNote);
    const newCp = await openServed(res.body.checkpoint);
    expect([oldCp.size, newCp.size]).toEqual([3, 5]);
    const proof = (res.body.previous.consistency as string[]).map(fromHex);
    expect(proof.length).toBeGreaterThan(0);
    const claim = { oldSize: 3, newSize: 5, oldRoot: oldCp.rootHash, newRoot: newCp.rootHash, proof };
    expect(verifyConsistency(nodeCrypto, claim)).toEqual({ ok: true });
    const tampered = proof.map((h) => h.slice());
    tampered[0]![0]! ^= 1;
    expect(verifyConsistency(nodeCrypto, { ...claim, proof: tampered }).ok).toBe(false);
  });

  it('answers previous: null for the first close of a kind', async () => {
    await threeDays();
    const res = await get('/v1/periods/2026-Q3').expect(200);
    expect(res.body).toMatchObject({ period: '2026-Q3', start: '2026-07-01T00:00:00.000Z', treeSize: 5, previous: null });
  });

  it('names fiscal years from LEDGER_FISCAL_YEAR_START', async () => {
    t = openTestLedger({ nowMs: Date.parse('2026-06-30T12:00:00.000Z'), settings: { fiscalYearStart: 7 } });
    await appendAt('2026-06-30T12:00:00.000Z', 2);
    tickAt('2026-07-01T00:00:01.000Z');
    const res = await get('/v1/periods/FY2026').expect(200);
    expect(res.body).toMatchObject({ start: '2025-07-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z', treeSize: 2 });
    await get('/v1/periods/2026-Q4').expect(200);
    expect((await get('/v1/periods/2027-Q1').expect(200)).body.provisional).toBe(true);
  });

  it('answers an open period provisionally, anchored at the latest checkpoint (contract version 1.1)', async () => {
    await threeDays();
    const latest = await request(t.app).get('/v1/checkpoint').expect(200);
    for (const id of ['2026-10-01', '2026-10', '2026-Q4', 'FY2026', 'FY2030']) {
      const res = await get(`/v1/periods/${id}`).expect(200);
      expect(res.body).toMatchObject({ period: id, provisional: true, treeSize: 6, checkpoint: latest.text });
    }
    // The previous close of its kind, with the consistency proof up to the provisional anchor.
    const day = (await get('/v1/periods/2026-10-01').expect(200)).body;
    expect(day.previous).toMatchObject({ period: '2026-09-30', treeSize: 5 });
    const verdict = verifyConsistency(nodeCrypto, {
      oldSize: 5,
      newSize: 6,
      oldRoot: (await openServed((await get('/v1/periods/2026-09-30').expect(200)).body.checkpoint)).rootHash,
      newRoot: (await openServed(day.checkpoint)).rootHash,
      proof: day.previous.consistency.map(fromHex),
    });
    expect(verdict.ok).toBe(true);
    // A close is never marked provisional.
    expect((await get('/v1/periods/2026-09-30').expect(200)).body.provisional).toBeUndefined();
  });

  it('answers 409 for a period that has ended but whose close is not signed yet', async () => {
    await threeDays();
    t.now.ms = Date.parse('2026-10-02T00:00:00.500Z'); // 2026-10-01 ended; no tick has closed it
    const res = await get('/v1/periods/2026-10-01').expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.field).toBe('id');
  });

  it('answers 404 for a period that ended before the first entry', async () => {
    await threeDays();
    for (const id of ['2026-09-28', '2026-08', '2026-Q2', 'FY2025']) await get(`/v1/periods/${id}`).expect(404);
  });

  it('answers 400 naming id for a malformed id', async () => {
    await threeDays();
    for (const id of ['2026-13', '2026-02-30', '2026-Q5', 'FY26', '2026-9', 'q3', '1969-12']) {
      const res = await get(`/v1/periods/${encodeURIComponent(id)}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.field).toBe('id');
    }
  });

  it('is for auditors and admins: a writer gets 403, no token 401', async () => {
    await threeDays();
    await get('/v1/periods/2026-09-30', 'admin').expect(200);
    await get('/v1/periods/2026-09-30', 'writer').expect(403);
    await request(t.app).get('/v1/periods/2026-09-30').expect(401);
  });
});

describe('GET /v1/periods?kind=', () => {
  it('lists the closed periods of a kind by end', async () => {
    await threeDays();
    const days = await get('/v1/periods?kind=day').expect(200);
    expect(days.body).toEqual({
      periods: [
        { period: '2026-09-29', start: '2026-09-29T00:00:00.000Z', end: '2026-09-30T00:00:00.000Z', treeSize: 3 },
        { period: '2026-09-30', start: '2026-09-30T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z', treeSize: 5 },
      ],
    });
    expect((await get('/v1/periods?kind=quarter').expect(200)).body.periods.map((p: { period: string }) => p.period)).toEqual(['2026-Q3']);
    expect((await get('/v1/periods?kind=year').expect(200)).body).toEqual({ periods: [] });
  });

  it('answers 400 for a bad kind or an unknown parameter, and checks roles', async () => {
    await threeDays();
    expect((await get('/v1/periods?kind=week').expect(400)).body.field).toBe('kind');
    expect((await get('/v1/periods?kinds=day').expect(400)).body.field).toBe('kinds');
    await get('/v1/periods?kind=day', 'writer').expect(403);
    await request(t.app).get('/v1/periods?kind=day').expect(401);
  });
});

describe('GET /v1/entries?late=', () => {
  // Received on 2026-10-02 (2026-Q4). occurredAt in 2026-Q3 is late; offsets count.
  async function mixed(): Promise<void> {
    t = openTestLedger({ nowMs: Date.parse('2026-10-02T10:00:00.000Z') });
    await appendAt('2026-10-02T10:00:00.000Z', 1, '2026-10-01T10:00:00Z'); // 0: Q4, not late
    await appendAt('2026-10-02T10:00:00.000Z', 1, '2026-09-30T23:00:00Z'); // 1: Q3, late
    await appendAt('2026-10-02T10:00:00.000Z', 1, '2026-10-01T01:00:00+02:00'); // 2: 09-30T23:00Z, late
    await appendAt('2026-10-02T10:00:00.000Z', 1, '2026-10-01T00:00:00Z'); // 3: first instant of Q4, not late
    await appendAt('2026-10-02T10:00:00.000Z', 1, '2026-06-30T00:00:00Z'); // 4: Q2, late
  }
  const indexes = (body: { entries: { index: number; late: boolean }[] }) => body.entries.map((e) => e.index);

  it('keeps only late (or only timely) entries', async () => {
    await mixed();
    const late = await get('/v1/entries?late=true').expect(200);
    expect(indexes(late.body)).toEqual([1, 2, 4]);
    expect(late.body.entries.every((e: { late: boolean }) => e.late)).toBe(true);
    expect(late.body.next).toBeNull();
    expect(indexes((await get('/v1/entries?late=false').expect(200)).body)).toEqual([0, 3]);
  });

  it('paginates with the cursor', async () => {
    await mixed();
    const first = await get('/v1/entries?late=true&limit=2').expect(200);
    expect(indexes(first.body)).toEqual([1, 2]);
    expect(first.body.next).toBe(2);
    const second = await get('/v1/entries?late=true&limit=2&after=2').expect(200);
    expect(indexes(second.body)).toEqual([4]);
    expect(second.body.next).toBeNull();
  });

  it('refuses anything but true or false', async () => {
    await mixed();
    for (const v of ['yes', '1', 'TRUE', '']) expect((await get(`/v1/entries?late=${v}`).expect(400)).body.field).toBe('late');
  });

  it('reads a bounded number of rows per page and hands back a cursor to go on', async () => {
    t = openTestLedger({ nowMs: Date.parse('2026-10-02T10:00:00.000Z') });
    for (let i = 0; i < 10; i++) await appendAt('2026-10-02T10:00:00.000Z', 1000, '2026-10-01T10:00:00Z'); // 0..9999
    await appendAt('2026-10-02T10:00:00.000Z', 1, '2026-09-01T10:00:00Z'); // 10000: late
    const first = await get('/v1/entries?late=true').expect(200);
    expect(first.body).toEqual({ entries: [], next: 9999 });
    const second = await get('/v1/entries?late=true&after=9999').expect(200);
    expect(indexes(second.body)).toEqual([10000]);
    expect(second.body.next).toBeNull();
  });
});
