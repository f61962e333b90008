/** GET /metrics: who may read it, the Prometheus text format, and that the hooks count what happened. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createHandler } from '../../src/http/app.js';
import { listenForMetrics } from '../../src/http/metrics-server.js';
import { createLogger } from '../../src/http/request-log.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf } from '../../src/note/index.js';
import { approval, openTestLedger, rotation, testSigner, type TestLedger } from '../support/ledger.js';

/** Samples of the text exposition format: `name{a="b",...} value`, comments skipped. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('GET /metrics', () => {
  let t: TestLedger;
  const admin = () => ({ Authorization: `Bearer ${t.tokens.admin}` });
  beforeEach(() => {
    t = openTestLedger();
  });
  afterEach(() => t.cleanup());

  it('needs an admin token by default', async () => {
    await request(t.app).get('/metrics').expect(401);
    await request(t.app).get('/metrics').set('Authorization', `Bearer ${t.tokens.auditor}`).expect(403);
    const res = await request(t.app).get('/metrics').set(admin()).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('counts appends and records by result and type, group commits, and reads tree, queue and checkpoint state', async () => {
    const writer = { Authorization: `Bearer ${t.tokens.writer}` };
    await request(t.app).post('/v1/entries').set(writer).send(rotation(1)).expect(201);
    await request(t.app).post('/v1/entries').set(writer).set('Idempotency-Key', 'k1').send(rotation(2)).expect(201);
    await request(t.app).post('/v1/entries').set(writer).set('Idempotency-Key', 'k1').send(rotation(2)).expect(200);
    await request(t.app).post('/v1/entries/batch').set(writer).send({ records: [rotation(3), approval(4), approval(5)] }).expect(201);
    await request(t.app).post('/v1/entries').set(writer).send({ ...rotation(6), controlId: '' }).expect(400);
    t.ledger.tick();
    t.now.ms += 2500;
    await request(t.app).get('/v1/proofs/inclusion?index=0').expect(200);
    const m = samples((await request(t.app).get('/metrics').set(admin()).expect(200)).text);

    expect(m.get('ledger_append_requests_total{kind="entry",result="created"}')).toBe(2);
    expect(m.get('ledger_append_requests_total{kind="entry",result="replayed"}')).toBe(1);
    expect(m.get('ledger_append_requests_total{kind="entry",result="client_error"}')).toBe(1);
    expect(m.get('ledger_append_requests_total{kind="batch",result="created"}')).toBe(1);
    expect(m.get('ledger_records_total{type="rotation",result="created"}')).toBe(3);
    expect(m.get('ledger_records_total{type="approval",result="created"}')).toBe(2);
    expect(m.get('ledger_records_total{type="rotation",result="replayed"}')).toBe(1);
    expect(m.get('ledger_append_duration_seconds_count{kind="entry"}')).toBe(4);
    // Three commits wrote 1, 1 and 3 records (the replay wrote nothing).
    expect(m.get('ledger_group_commit_records_count')).toBe(3);
    expect(m.get('ledger_group_commit_records_sum')).toBe(5);
    expect(m.get('ledger_tree_size')).toBe(5);
    expect(m.get('ledger_signed_tree_size')).toBe(5);
    expect(m.get('ledger_unsigned_entries')).toBe(0);
    expect(m.get('ledger_checkpoint_age_seconds')).toBe(2.5);
    expect(m.get('ledger_queue_depth')).toBe(0);
    expect(m.get('ledger_queue_max')).toBe(20_000);
    expect(m.get('ledger_signing_halted')).toBe(0);
    expect(m.get('ledger_database_bytes')).toBeGreaterThan(0);
    // PostgreSQL has no write-ahead log of the ledger's own (its WAL is the server's).
    if (t.store.backend === 'sqlite') expect(m.get('ledger_wal_bytes')).toBeGreaterThan(0);
    else expect(m.has('ledger_wal_bytes')).toBe(false);
    expect(m.get('ledger_http_request_duration_seconds_count{route="/v1/proofs/inclusion",method="GET",status="200"}')).toBe(1);
    // No close before the first day with entries has ended: 0, which the alert rules skip.
    expect(m.get('ledger_period_last_closed_end_timestamp_seconds')).toBe(0);
  });

  it('reports the end of the latest closed period once one closes', async () => {
    await request(t.app).post('/v1/entries').set({ Authorization: `Bearer ${t.tokens.writer}` }).send(rotation(1)).expect(201);
    t.now.ms = Date.parse('2026-09-15T00:00:05.000Z');
    t.ledger.tick();
    const m = samples((await request(t.app).get('/metrics').set(admin())).text);
    expect(m.get('ledger_period_last_closed_end_timestamp_seconds')).toBe(Date.parse('2026-09-15T00:00:00.000Z') / 1000);
    expect(m.get('ledger_time_seconds')).toBe(t.now.ms / 1000);
  });

  it("reads each witness's lag from the ledger's witnessing: an unreachable witness falls behind", async () => {
    const w = generateCosignerKey(c, 'witness.test/away', new Uint8Array(32).fill(3));
    // Port 9 (discard) on loopback: nothing answers there.
    const policy = parseWitnessPolicy(c, `log ${formatVerifierKey(verifierKeyOf(testSigner()))}\nwitness away ${formatCosignerKey(verifierKeyOf(w))} http://127.0.0.1:9\nquorum away\n`);
    const witnessed = openTestLedger({ witnessPolicy: policy });
    try {
      witnessed.ledger.start();
      await request(witnessed.app).post('/v1/entries').set({ Authorization: `Bearer ${witnessed.tokens.writer}` }).send(rotation(1)).expect(201);
      witnessed.ledger.tick();
      witnessed.now.ms += 90_000;
      const m = samples((await request(witnessed.app).get('/metrics').set({ Authorization: `Bearer ${witnessed.tokens.admin}` })).text);
      expect(m.get('ledger_witness_cosignature_lag_entries{witness="away"}')).toBe(1);
      expect(m.get('ledger_witness_cosignature_lag_seconds{witness="away"}')).toBe(90);
      expect(m.get('ledger_witnessed_tree_size')).toBe(0);
      expect(m.get('ledger_witness_conflict')).toBe(0);
    } finally {
      witnessed.cleanup();
    }
  });

  it('carries the witness lag set through its hook, and drops a witness set to undefined', async () => {
    const metrics = createMetrics(t.ledger, { processMetrics: false });
    metrics.setWitnessLag('witness.example/w1', 12, 3.5);
    metrics.setWitnessLag('witness.example/w2', 0);
    metrics.setWitnessLag('witness.example/w2', undefined);
    const m = samples(await metrics.text());
    expect(m.get('ledger_witness_cosignature_lag_entries{witness="witness.example/w1"}')).toBe(12);
    expect(m.get('ledger_witness_cosignature_lag_seconds{witness="witness.example/w1"}')).toBe(3.5);
    expect(m.has('ledger_witness_cosignature_lag_entries{witness="witness.example/w2"}')).toBe(false);
  });

  it('is public with LEDGER_METRICS=public and absent with off', async () => {
    const logger = createLogger('silent');
    const open = createHandler({ ledger: t.ledger, logger, metricsAccess: 'public' });
    expect((await request(open).get('/metrics').expect(200)).text).toContain('ledger_tree_size 0');
    const off = createHandler({ ledger: t.ledger, logger, metricsAccess: 'off' });
    await request(off).get('/metrics').set(admin()).expect(404);
  });

  it('can be served alone on a separate listener, with process metrics', async () => {
    const metrics = createMetrics(t.ledger);
    const server = await listenForMetrics(metrics, 0, '127.0.0.1');
    try {
      const text = (await request(server).get('/metrics').expect(200)).text;
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('ledger_tree_size');
      await request(server).get('/v1/key').expect(404);
    } finally {
      server.close();
    }
  });
});
