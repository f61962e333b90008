/**
 * Request bodies in flight are capped (src/http/body-budget.ts): past the cap an append is
 * answered 503 + Retry-After before its body is read, on the fast path and in express alike, and
 * the room comes back when an answer has gone.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/http/app.js';
import { BodyBudget } from '../../src/http/body-budget.js';
import { createLogger } from '../../src/http/request-log.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

const MIB = 1024 * 1024;

describe('the cap on body bytes in flight', () => {
  let t: TestLedger;
  let server: Server;
  let port: number;
  let budget: BodyBudget;
  const lines: Record<string, unknown>[] = [];
  const sockets: Socket[] = [];

  beforeEach(async () => {
    t = openTestLedger();
    budget = new BodyBudget(2 * MIB);
    const sink = new Writable({ write: (c, _e, done) => void (lines.push(JSON.parse(String(c))), done()) });
    server = createServer(createHandler({ ledger: t.ledger, logger: createLogger('info', sink), bodyBudget: budget }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    t.cleanup();
  });

  /** Starts an append declaring `length` bytes and sends only the head: its reservation stays held. */
  const holdOpen = (path: string, length: number) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.tokens.writer}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{`);
    return socket;
  };

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met within 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const post = (path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.tokens.writer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(rotation(1)),
    });

  it('answers 503 with Retry-After past the cap on both paths, and admits again once room is back', async () => {
    const a = holdOpen('/v1/entries', MIB);
    holdOpen('/v1/entries/batch', MIB - 10);
    await until(() => budget.inFlight === 2 * MIB - 10);
    for (const path of ['/v1/entries', '/v1/entries/']) {
      const res = await post(path);
      expect([path, res.status, res.headers.get('retry-after')]).toEqual([path, 503, '1']);
      expect(await res.json()).toMatchObject({ type: 'urn:evidence-ledger:problem:busy' });
    }
    expect(t.ledger.size).toBe(0);
    a.destroy();
    await until(() => budget.inFlight === MIB - 10);
    expect((await post('/v1/entries')).status).toBe(201);
    // Back-pressure is no error: no error or warning lines, and its request lines are information.
    const refused = lines.filter((l) => l.msg === 'request' && l.status === 503);
    expect(refused).toHaveLength(2);
    for (const line of refused) expect(line).toMatchObject({ level: 30, problem: 'urn:evidence-ledger:problem:busy' });
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });

  it('always admits one request alone, whatever the cap', () => {
    const tiny = new BodyBudget(10);
    const res = { once: () => res } as never;
    const req = { headers: { 'content-length': String(MIB) } } as never;
    expect(tiny.admit(req, res)).toBeUndefined();
    expect(tiny.admit(req, res)?.status).toBe(503);
  });
});
