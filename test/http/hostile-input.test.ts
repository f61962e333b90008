/**
 * Bad input found by outside testing (issue 13): each is a clear 4xx (or the RFC's 501), never a
 * 500 and never a silent change, and the append fast path answers exactly as express does.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

/** Sends `raw` (a whole HTTP/1.1 request) and resolves with the status and the answer's text. */
async function rawRequest(handler: RequestListener, raw: string): Promise<{ status: number; text: string }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(raw));
      let out = '';
      socket.setEncoding('utf8').on('data', (d: string) => (out += d)).on('end', () => resolve(out)).on('error', reject);
    });
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text };
  } finally {
    server.close();
  }
}

describe('hostile input', () => {
  let t: TestLedger;
  beforeEach(() => {
    t = openTestLedger();
  });
  afterEach(() => t.cleanup());

  const auth = () => ({ Authorization: `Bearer ${t.tokens.auditor}` });

  it.each(['FY9999', '9999-12', '9999-Q4', '9999-12-31'])('answers 400 for period %s, which ends in the year 10000', async (id) => {
    const period = await request(t.app).get(`/v1/periods/${id}`).set(auth());
    expect(period.status).toBe(400);
    expect(period.body).toMatchObject({ field: 'id' });
    await request(t.app).post('/v1/entries').set({ Authorization: `Bearer ${t.tokens.writer}` }).send(rotation(1));
    t.ledger.tick();
    const bundle = await request(t.app).get(`/v1/bundles?period=${id}`).set(auth());
    expect(bundle.status).toBe(400);
    expect(bundle.body).toMatchObject({ field: 'period' });
    // The same ids on the report and sample endpoints (they answered 500 INVALID_TIMESTAMP).
    for (const path of [`/v1/reports/${id}`, `/v1/reports/${id}?controlId=ITGC-AC-07`, `/v1/samples?period=${id}&controlId=ITGC-AC-07&size=1&nonce=n`]) {
      const res = await request(t.app).get(path).set(auth());
      expect([path, res.status, res.body.field]).toEqual([path, 400, 'period']);
    }
  });

  it('names the parameter the request used for a period that has no close (period, or id in /v1/periods/{id})', async () => {
    await request(t.app).post('/v1/entries').set({ Authorization: `Bearer ${t.tokens.writer}` }).send(rotation(1));
    t.ledger.tick();
    const cases: Array<[string, string]> = [
      ['/v1/periods/2001-01', 'id'],
      ['/v1/bundles?period=2001-01', 'period'],
      ['/v1/reports/2001-01', 'period'],
      ['/v1/reports/2001-01?controlId=ITGC-AC-07', 'period'],
      ['/v1/samples?period=2001-01&controlId=ITGC-AC-07&size=1&nonce=n', 'period'],
    ];
    for (const [path, field] of cases) {
      const res = await request(t.app).get(path).set(auth());
      expect([path, res.status, res.body.field]).toEqual([path, 404, field]);
    }
  });

  it('names a batch record that is not an object as records.<i>, without a trailing dot', async () => {
    const res = await request(t.app)
      .post('/v1/entries/batch')
      .set({ Authorization: `Bearer ${t.tokens.writer}` })
      .send({ records: [rotation(1), null] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'records.1', errors: [{ field: 'records.1' }] });
  });

  it('answers 400 for a listing time or a token expiry in the year 10000', async () => {
    const from = await request(t.app).get('/v1/entries').query({ from: '9999-12-31T23:00:00-02:00' }).set(auth());
    expect(from.status).toBe(400);
    expect(from.body.field).toBe('from');
    const token = await request(t.app)
      .post('/v1/tokens')
      .set({ Authorization: `Bearer ${t.tokens.admin}` })
      .send({ role: 'writer', source: 's', expiresAt: '9999-12-31T23:59:59-05:00' });
    expect(token.status).toBe(400);
    expect(token.body.field).toBe('expiresAt');
  });

  it.each([
    ['1e-400', 'too small'],
    ['-0', 'negative zero'],
    ['9007199254740993', 'precision'],
  ])('refuses %s in a record rather than store it changed', async (number, why) => {
    const body = JSON.stringify(rotation(1)).replace('{"type"', `{"details":{"n":${number}},"type"`);
    for (const path of ['/v1/entries']) {
      const res = await request(t.app).post(path).set({ Authorization: `Bearer ${t.tokens.writer}`, 'Content-Type': 'application/json' }).send(body);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('details.n');
      expect(res.body.detail).toContain(why);
    }
    expect(t.ledger.size).toBe(0);
  });

  it('refuses duplicate Authorization headers, on the fast path and in express alike', async () => {
    const two = `Authorization: Bearer ${t.tokens.writer}\r\nAuthorization: Bearer ${t.tokens.auditor}\r\n`;
    const body = JSON.stringify(rotation(1));
    for (const [method, path] of [['POST', '/v1/entries'], ['GET', '/v1/entries'], ['POST', '/v1/entries/']]) {
      const raw = `${method} ${path} HTTP/1.1\r\nHost: x\r\n${two}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
      const res = await rawRequest(t.app, raw);
      expect([method, path, res.status]).toEqual([method, path, 400]);
      expect(res.text).toContain('"field":"Authorization"');
    }
    expect(t.ledger.size).toBe(0);
  });

  it('refuses a transfer coding other than chunked (RFC 9112 §6.1: 501), on both paths', async () => {
    const body = JSON.stringify(rotation(1));
    for (const path of ['/v1/entries', '/v1/entries/']) {
      const raw =
        `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.tokens.writer}\r\nContent-Type: application/json\r\n` +
        `Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      const res = await rawRequest(t.app, raw);
      expect([path, res.status]).toEqual([path, 501]);
    }
    expect(t.ledger.size).toBe(0);
  });

  it('never echoes a raw path in a problem document', async () => {
    const res = await rawRequest(t.app, 'GET /v1/<script>alert(1)</script>"x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(404);
    const body = res.text.slice(res.text.indexOf('\r\n\r\n') + 4);
    expect(body).not.toMatch(/[<>]/);
    expect(JSON.parse(body)).toMatchObject({ instance: '/v1/%3Cscript%3Ealert(1)%3C/script%3E%22x' });
  });

  it('sends nosniff and no-store with every answer but those that choose their caching', async () => {
    const answers = [
      await request(t.app).get('/v1/entries').set(auth()),
      await request(t.app).get('/v1/nothing'),
      await request(t.app).get('/healthz'),
      await request(t.app).post('/v1/entries').set({ Authorization: `Bearer ${t.tokens.writer}` }).send(rotation(1)),
      await request(t.app).post('/v1/entries').send(rotation(1)),
    ];
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    t.ledger.tick();
    const checkpoint = await request(t.app).get('/v1/checkpoint');
    expect(checkpoint.headers['cache-control']).toBe('no-cache');
    expect(checkpoint.headers['x-content-type-options']).toBe('nosniff');
  });

  it('applies one rule to unknown query parameters on every endpoint: 400 naming it', async () => {
    t.ledger.tick();
    const writer = { Authorization: `Bearer ${t.tokens.writer}` };
    const admin = { Authorization: `Bearer ${t.tokens.admin}` };
    const cases = [
      request(t.app).get('/v1/proofs/consistency?from=0&to=0&bogus=1'),
      request(t.app).get('/v1/proofs/inclusion?index=0&bogus=1'),
      request(t.app).get('/v1/checkpoint?bogus=1'),
      request(t.app).get('/v1/key?bogus=1'),
      request(t.app).get('/healthz?bogus=1'),
      request(t.app).get('/readyz?bogus=1'),
      request(t.app).get('/v1/entries/0?bogus=1').set(auth()),
      request(t.app).get('/v1/periods?bogus=1').set(auth()),
      request(t.app).get('/v1/bundles?bogus=1').set(auth()),
      request(t.app).post('/v1/entries?bogus=1').set(writer).send(rotation(2)),
      request(t.app).post('/v1/entries/batch?bogus=1').set(writer).send({ records: [rotation(3)] }),
      request(t.app).delete('/v1/tokens/tok_000000000000?bogus=1').set(admin),
    ];
    const answers = await Promise.all(cases);
    answers.forEach((res, i) => expect([i, res.status, res.body.field]).toEqual([i, 400, 'bogus']));
  });

  it('declares its query parameters on every route it serves (query.ts)', () => {
    const app = createApp({ ledger: t.ledger, logger: createLogger('silent') });
    type Layer = { route?: { path: string; stack: { name: string }[] }; handle?: { stack?: Layer[] } };
    const routes: { path: string; names: string[] }[] = [];
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (layer.route) routes.push({ path: layer.route.path, names: layer.route.stack.map((s) => s.name) });
        else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) expect([route.path, route.names.includes('onlyQuery')]).toEqual([route.path, true]);
  });

  it('writes "An auditor token" and "An admin token", not "A auditor token"', async () => {
    const res = await request(t.app).post('/v1/entries').set(auth()).send(rotation(1));
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('An auditor token may not do this; it needs writer.');
  });

  it('never logs a credential from the query string or the path', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => void (lines.push(String(chunk)), done()) });
    const handler = createHandler({ ledger: t.ledger, logger: createLogger('info', sink) });
    const token = t.tokens.auditor;
    await request(handler).get(`/v1/entries?access_token=${token}&limit=5`);
    await request(handler).get(`/v1/${token}`);
    await request(handler).post(`/v1/entries?token=${token}`).send(rotation(1));
    const logged = lines.join('');
    expect(logged).not.toContain(token.slice(4, 30));
    expect(logged).toContain('/v1/entries?access_token=[redacted]&limit=5');
  });
});
