import { createHash } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JSON_LIMIT_BYTES, jsonBody, parseStrictJson, scanJson } from '../../src/http/json-body.js';
import { HttpProblem } from '../../src/http/problem.js';
import { problemHandler } from '../../src/http/problem.js';

/** Echoes what the middleware parsed, and a hash of the raw bytes it kept. */
function echoApp(options?: Parameters<typeof jsonBody>[0]) {
  const app = express();
  app.post('/echo', jsonBody(options), (req, res) => {
    const raw = req.rawBody ? createHash('sha256').update(req.rawBody).digest('hex') : null;
    res.json({ body: req.body ?? null, bodyIsUndefined: req.body === undefined, raw });
  });
  app.use(problemHandler);
  return app;
}

const post = (body: string, type = 'application/json', options?: Parameters<typeof jsonBody>[0]) =>
  request(echoApp(options)).post('/echo').set('Content-Type', type).send(body);

/** Raw bytes, written as they are (superagent would JSON-encode a Buffer given to send()). */
function postBytes(bytes: Uint8Array, type = 'application/json') {
  const req = request(echoApp()).post('/echo');
  if (type !== '') req.set('Content-Type', type);
  req.write(Buffer.from(bytes));
  return req;
}

async function expectProblem(res: request.Response, status: number, detail?: RegExp, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.text);
  if (detail) expect(problem.detail).toMatch(detail);
  if (field !== undefined) expect(problem.field).toBe(field);
}

describe('strict JSON request bodies', () => {
  it('takes raw bytes too (a check that the helper sends them unchanged)', async () => {
    const bytes = Buffer.from('{"é":"\u00e9"}');
    const res = await postBytes(bytes);
    expect(res.status).toBe(200);
    expect(res.body.body).toEqual({ é: 'é' });
    expect(res.body.raw).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('parses a valid body and keeps its exact bytes', async () => {
    const text = '{ "type" : "rotation", "n": [1, 2.5, -3e2, true, null], "s": "\\u00e9\\ud83d\\ude00" }';
    const res = await post(text);
    expect(res.status).toBe(200);
    expect(res.body.body).toEqual({ type: 'rotation', n: [1, 2.5, -300, true, null], s: 'é😀' });
    expect(res.body.raw).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"'])(
    'accepts Content-Type %j',
    async (type) => {
      expect((await post('{}', type)).status).toBe(200);
    },
  );

  describe('media type (415)', () => {
    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'application/json; charset=latin1', 'application/jsonx'])(
      'refuses Content-Type %j',
      async (type) => {
        await expectProblem(await post('{}', type), 415);
      },
    );

    it('refuses a body without a Content-Type', async () => {
      await expectProblem(await postBytes(Buffer.from('{}'), ''), 415);
    });

    it('refuses a compressed body', async () => {
      const res = await request(echoApp()).post('/echo').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{}');
      await expectProblem(res, 415);
    });
  });

  it('lets a request without a body through, with the body undefined', async () => {
    const res = await request(echoApp()).post('/echo');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: null, bodyIsUndefined: true, raw: null });
  });

  describe('size (413)', () => {
    const padded = (size: number) => `{"p":"${'x'.repeat(size - 8)}"}`;

    it('accepts a body of exactly 1 MiB', async () => {
      const body = padded(DEFAULT_JSON_LIMIT_BYTES);
      expect(body.length).toBe(1024 * 1024);
      expect((await post(body)).status).toBe(200);
    });

    it('refuses a body one byte over 1 MiB', async () => {
      await expectProblem(await post(padded(DEFAULT_JSON_LIMIT_BYTES + 1)), 413);
    });

    it('refuses a chunked body once it passes the limit', async () => {
      const app = echoApp({ limit: 64 });
      const req = request(app).post('/echo').set('Content-Type', 'application/json');
      // Writing in pieces without a length makes node send Transfer-Encoding: chunked.
      req.write('{"p":"');
      req.write('x'.repeat(100));
      req.write('"}');
      await expectProblem(await req, 413);
    });

    it('keeps the connection usable after a 413', async () => {
      const agent = request.agent(echoApp({ limit: 16 }));
      await expectProblem(await agent.post('/echo').set('Content-Type', 'application/json').send('{"p":"' + 'y'.repeat(64) + '"}'), 413);
      expect((await agent.post('/echo').set('Content-Type', 'application/json').send('{}')).status).toBe(200);
    });
  });

  describe('encoding and syntax (400)', () => {
    it('refuses invalid UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      await expectProblem(await postBytes(bytes), 400, /UTF-8/);
    });

    it('refuses an overlong UTF-8 encoding', async () => {
      const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
      await expectProblem(await postBytes(bytes), 400, /UTF-8/);
    });

    it('refuses a UTF-8 encoded surrogate (CESU-8)', async () => {
      const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
      await expectProblem(await postBytes(bytes), 400, /UTF-8/);
    });

    it('refuses a byte order mark', async () => {
      await expectProblem(await postBytes(Buffer.from('\ufeff{}')), 400, /byte order mark/);
    });

    it('refuses a lone surrogate escape in a value, naming where', async () => {
      await expectProblem(await post('{"actor":{"id":"\\ud800"}}'), 400, /lone surrogate/, 'actor.id');
    });

    it('refuses a lone low surrogate, and a high one followed by a non-surrogate', async () => {
      await expectProblem(await post('["ok","\\udc00"]'), 400, /lone surrogate/, '1');
      await expectProblem(await post('["\\ud800\\u0041"]'), 400, /lone surrogate/, '0');
    });

    it('refuses a lone surrogate escape in a key', async () => {
      await expectProblem(await post('{"\\ud800":1}'), 400, /lone surrogate/);
    });

    it('refuses a malformed body, with the position', async () => {
      await expectProblem(await post('{"a":1,}'), 400, /position 7/);
      await expectProblem(await post('{"a" 1}'), 400, /':'.*position 5/);
      await expectProblem(await post('[1,2'), 400, /end of input.*position 4/);
    });

    it('refuses a number beyond the range of a double', async () => {
      await expectProblem(await post('{"details":{"n":1e400}}'), 400, /out of range/, 'details.n');
    });

    it('refuses nesting deeper than the limit', async () => {
      await expectProblem(await post('[[[1]]]', 'application/json', { maxDepth: 2 }), 400, /deeper than 2/);
      expect((await post('[[1]]', 'application/json', { maxDepth: 2 })).status).toBe(200);
    });
  });

  describe('duplicate keys (400)', () => {
    it('refuses a duplicate key at the top level', async () => {
      await expectProblem(await post('{"type":"approval","type":"revocation"}'), 400, /duplicate key "type"/, 'type');
    });

    it('refuses a duplicate key in a nested object, naming its path', async () => {
      await expectProblem(await post('{"records":[{},{"actor":{"id":"a","kind":"human","id":"b"}}]}'), 400, /duplicate key "id"/, 'records.1.actor.id');
    });

    it('sees through escapes: "a" and "\\u0061" are the same key', async () => {
      await expectProblem(await post('{"a":1,"\\u0061":2}'), 400, /duplicate key "a"/);
    });

    it('escapes the path per RFC 6901', async () => {
      await expectProblem(await post('{"a/b":{"c~d":1,"c~d":2}}'), 400, /duplicate/, 'a/b.c~d');
    });

    it('allows the same key in sibling and nested objects', async () => {
      const res = await post('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"b":{"a":3}}}');
      expect(res.status).toBe(200);
    });

    it('is case-sensitive, as JSON is', async () => {
      expect((await post('{"a":1,"A":2}')).status).toBe(200);
    });
  });
});

describe('JSON scan (grammar of RFC 8259)', () => {
  // Every text JSON.parse accepts and that has no duplicate keys, lone surrogates or huge numbers
  // must pass the scan, and every text JSON.parse refuses must fail it.
  const texts = [
    '0', '-1', '1.5e-3', '"x"', 'true', 'false', 'null', ' [ ] ', '{}', '{"a":[{"b":null}]}', '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    '', ' ', '01', '1.', '.5', '+1', '-', '1e', '[1,]', '{,}', '{"a"}', '{"a":}', '{a:1}', "'a'", 'tru', 'nul', 'True',
    '"\\x"', '"\\u12"', '"\t"', '[1]]', '{}{}', '[1 2]', '{"a":1 "b":2}', '"unterminated', '\u00a0{}', 'NaN', 'Infinity',
  ];
  it.each(texts)('agrees with JSON.parse on %j', (text) => {
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    expect(scanJson(text) === undefined).toBe(parses);
  });

  it('gives stable codes', () => {
    expect(scanJson('{"a":1,"a":1}')?.code).toBe('DUPLICATE_KEY');
    expect(scanJson('"\\udfff"')?.code).toBe('LONE_SURROGATE');
    expect(scanJson('-1e999')?.code).toBe('NUMBER_OUT_OF_RANGE');
    expect(scanJson('[[]]', 1)?.code).toBe('TOO_DEEP');
    expect(scanJson('\ufeff1')?.code).toBe('BYTE_ORDER_MARK');
    expect(scanJson('{')?.code).toBe('MALFORMED_JSON');
  });

  it('handles a deep but allowed document without recursion', () => {
    const depth = 10_000;
    expect(scanJson('['.repeat(depth) + ']'.repeat(depth), depth)).toBeUndefined();
  });

  it('parseStrictJson throws a 400 problem', () => {
    expect(() => parseStrictJson(new TextEncoder().encode('{"a":1,"a":2}'))).toThrow(HttpProblem);
    expect(parseStrictJson(new TextEncoder().encode('{"a":[1]}'))).toEqual({ a: [1] });
  });
});
