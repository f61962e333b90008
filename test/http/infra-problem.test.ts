import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  HttpProblem,
  badRequest,
  conflict,
  createProblemHandler,
  forbidden,
  notFound,
  notFoundHandler,
  payloadTooLarge,
  problemHandler,
  registerProblemMapper,
  serviceUnavailable,
  unauthorized,
  unsupportedMediaType,
  type ProblemMapper,
} from '../../src/http/problem.js';
import { createLogger, requestLog } from '../../src/http/request-log.js';

class QueueFull extends Error {
  readonly code = 'QUEUE_FULL';
}

/** An app whose one route throws `error`, with captured log lines. */
function appThrowing(error: unknown, mappers?: ProblemMapper[]) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = express();
  app.use(requestLog(createLogger('info', sink)));
  app.get('/boom', () => {
    throw error;
  });
  app.get('/async-boom', async () => {
    await Promise.resolve();
    throw error;
  });
  app.use(notFoundHandler);
  app.use(mappers ? createProblemHandler(mappers) : problemHandler);
  return { app, lines };
}

describe('problem details (RFC 9457)', () => {
  it('answers an HttpProblem as application/problem+json with every member', async () => {
    const { app } = appThrowing(badRequest('index must be a decimal integer', 'index'));
    const res = await request(app).get('/boom?index=x');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'index must be a decimal integer',
      instance: '/boom',
      field: 'index',
    });
  });

  it('carries field errors and a custom type', async () => {
    const errors = [{ field: 'actor.kind', message: 'must be one of human, workload' }];
    const { app } = appThrowing(new HttpProblem(400, 'invalid record', { errors, type: 'urn:example:invalid' }));
    const body = JSON.parse((await request(app).get('/boom')).text);
    expect(body.errors).toEqual(errors);
    expect(body.type).toBe('urn:example:invalid');
    expect(body).not.toHaveProperty('field');
  });

  it('handles errors from async handlers (express 5 forwards rejections)', async () => {
    const { app } = appThrowing(conflict('same key, other record', 'Idempotency-Key'));
    const res = await request(app).get('/async-boom');
    expect(res.status).toBe(409);
    expect(JSON.parse(res.text).field).toBe('Idempotency-Key');
  });

  it.each([
    [unauthorized(), 401, 'Unauthorized'],
    [forbidden(), 403, 'Forbidden'],
    [notFound('no entry 7'), 404, 'Not Found'],
    [payloadTooLarge('too big'), 413, 'Payload Too Large'],
    [unsupportedMediaType('json only'), 415, 'Unsupported Media Type'],
    [serviceUnavailable('queue full', 1), 503, 'Service Unavailable'],
  ])('helper answers %#: status and title', async (problem, status, title) => {
    const res = await request(appThrowing(problem).app).get('/boom');
    expect(res.status).toBe(status);
    expect(JSON.parse(res.text)).toMatchObject({ status, title, detail: problem.detail });
  });

  it('asks for a bearer token on 401', async () => {
    const res = await request(appThrowing(unauthorized()).app).get('/boom');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  it('sends Retry-After in whole seconds on 503', async () => {
    const res = await request(appThrowing(serviceUnavailable('busy', 1.2)).app).get('/boom');
    expect(res.headers['retry-after']).toBe('2');
  });

  it('refuses to build a problem with a non-error status', () => {
    expect(() => new HttpProblem(200, 'fine')).toThrow(RangeError);
    expect(() => new HttpProblem(600, 'odd')).toThrow(RangeError);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await request(appThrowing(new Error('unused')).app).post('/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 404, instance: '/v1/nowhere' });
  });

  describe('an unexpected error', () => {
    const secret = new Error('SQLITE_CORRUPT: /var/lib/ledger/db.sqlite at page 4711');

    it('becomes a 500 that does not leak its message', async () => {
      const res = await request(appThrowing(secret).app).get('/boom');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ status: 500, title: 'Internal Server Error' });
      expect(res.text).not.toContain('SQLITE');
      expect(res.text).not.toContain('4711');
    });

    it('is logged with the request id', async () => {
      const { app, lines } = appThrowing(secret);
      const res = await request(app).get('/boom').set('X-Request-Id', 'req-500-test');
      expect(res.headers['x-request-id']).toBe('req-500-test');
      const logged = lines.find((line) => line.msg === 'request failed');
      expect(logged).toMatchObject({ reqId: 'req-500-test', level: 50 });
      expect(JSON.stringify(logged)).toContain('SQLITE_CORRUPT');
    });

    it('is logged as a warning, not an error, when it is a deliberate 503', async () => {
      const { app, lines } = appThrowing(serviceUnavailable('busy', 1));
      await request(app).get('/boom');
      expect(lines.find((line) => line.msg === 'request failed')).toMatchObject({ level: 40, status: 503 });
    });

    it('is a 500 even when it is not an Error at all', async () => {
      expect((await request(appThrowing('a string').app).get('/boom')).status).toBe(500);
      expect((await request(appThrowing({ reason: 'opaque' }).app).get('/boom')).status).toBe(500);
    });
  });

  describe('errors in the http-errors shape (express, body parsers)', () => {
    it('keeps an exposed 4xx status and message', async () => {
      const error = Object.assign(new Error('request aborted'), { status: 400, expose: true });
      const res = await request(appThrowing(error).app).get('/boom');
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).detail).toBe('request aborted');
    });

    it('uses statusCode too, and hides an unexposed message', async () => {
      const error = Object.assign(new Error('internal detail'), { statusCode: 404 });
      const res = await request(appThrowing(error).app).get('/boom');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('internal detail');
    });

    it('never exposes a 5xx message', async () => {
      const error = Object.assign(new Error('upstream password=hunter2'), { status: 502, expose: true });
      const res = await request(appThrowing(error).app).get('/boom');
      expect(res.status).toBe(502);
      expect(res.text).not.toContain('hunter2');
    });

    it('ignores a status outside 400–599', async () => {
      const error = Object.assign(new Error('weird'), { status: 302 });
      expect((await request(appThrowing(error).app).get('/boom')).status).toBe(500);
    });
  });

  describe('domain error mappers', () => {
    const mapQueueFull: ProblemMapper = (error) =>
      error instanceof QueueFull ? serviceUnavailable('the ledger is busy', 1) : undefined;

    it('maps a domain error through a mapper passed in', async () => {
      const res = await request(appThrowing(new QueueFull(), [mapQueueFull]).app).get('/boom');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
    });

    it('maps through a registered mapper until it is removed', async () => {
      const { app } = appThrowing(new QueueFull());
      const unregister = registerProblemMapper(mapQueueFull);
      try {
        expect((await request(app).get('/boom')).status).toBe(503);
      } finally {
        unregister();
      }
      expect((await request(app).get('/boom')).status).toBe(500);
    });

    it('falls through to 500 when no mapper recognises the error', async () => {
      const res = await request(appThrowing(new Error('x'), [mapQueueFull]).app).get('/boom');
      expect(res.status).toBe(500);
    });
  });
});
