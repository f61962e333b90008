import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { problemHandler } from '../../src/http/problem.js';
import { createLogger, requestLog } from '../../src/http/request-log.js';

function loggedApp(level: Parameters<typeof createLogger>[0] = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = express();
  app.use(requestLog(createLogger(level, sink)));
  app.get('/ok', (req, res) => {
    req.log.info({ step: 'inside' }, 'handler ran');
    res.json({ id: req.id });
  });
  app.post('/secret', express.text({ type: '*/*' }), (_req, res) => res.sendStatus(204));
  app.get('/fail', () => {
    throw new Error('kaput');
  });
  app.use(problemHandler);
  const requestLines = () => lines.filter((line) => line.msg === 'request');
  return { app, lines, requestLines };
}

describe('request logging', () => {
  it('writes one JSON line per request with method, path, status and duration', async () => {
    const { app, requestLines } = loggedApp();
    await request(app).get('/ok?treeSize=5');
    const [line, ...rest] = requestLines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ method: 'GET', path: '/ok?treeSize=5', status: 200, level: 30 });
    expect(typeof line?.durationMs).toBe('number');
    expect(line?.durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof line?.time).toBe('string'); // ISO time, not epoch ms
  });

  it('generates a request id, echoes it, and binds it to req.log', async () => {
    const { app, lines } = loggedApp();
    const res = await request(app).get('/ok');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.id).toBe(id);
    expect(lines.find((line) => line.msg === 'handler ran')).toMatchObject({ reqId: id, step: 'inside' });
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ reqId: id });
  });

  it('echoes a sane X-Request-Id from the client', async () => {
    const res = await request(loggedApp().app).get('/ok').set('X-Request-Id', 'trace-01HZX:abc/def=');
    expect(res.headers['x-request-id']).toBe('trace-01HZX:abc/def=');
  });

  it.each(['has space', 'x'.repeat(129), '-leading-dash', 'quote"s', 'semi;colon', 'ünïcode'])(
    'replaces an unsafe X-Request-Id %j with its own',
    async (offered) => {
      const res = await request(loggedApp().app).get('/ok').set('X-Request-Id', offered);
      expect(res.headers['x-request-id']).not.toBe(offered);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('never logs headers or bodies', async () => {
    const { app, lines } = loggedApp('trace');
    await request(app).post('/secret').set('Authorization', 'Bearer elt_writer_SECRETSECRET').set('Cookie', 'sid=COOKIEVALUE').send('BODYSECRET');
    const text = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of ['SECRETSECRET', 'COOKIEVALUE', 'BODYSECRET']) expect(text).not.toContain(secret);
  });

  it('logs a failed request at error level with its status', async () => {
    const { app, requestLines } = loggedApp();
    await request(app).get('/fail');
    expect(requestLines()).toEqual([expect.objectContaining({ status: 500, level: 50 })]);
  });

  it('redacts token fields should anyone log one', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ token: 'elt_admin_x', headers: { authorization: 'Bearer y' } }, 'oops');
    expect(lines.join('')).not.toMatch(/elt_admin_x|Bearer y/);
    expect(lines.join('')).toContain('[redacted]');
  });

  it('respects the level', async () => {
    const { app, lines } = loggedApp('warn');
    await request(app).get('/ok');
    expect(lines).toEqual([]);
  });
});
