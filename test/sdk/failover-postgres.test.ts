/**
 * The SDK against two real instances of one log on PostgreSQL (two stores on one schema, each a
 * Ledger behind its own HTTP server on port 0; skipped, saying why, where PostgreSQL cannot run):
 * given the follower first, its post is refused there and lands on the leader the follower names,
 * once, with a receipt that verifies; the instance between them in the list is never asked; the
 * next post starts at the leader; and a post repeated with the same Idempotency-Key through the
 * follower is answered as a replay, the two instances sharing the idempotency table.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { generateToken } from '../../src/http/tokens.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { formatVerifierKey, verifierKeyOf } from '../../src/note/index.js';
import { LedgerClient, backoffPolicy, type EvidenceRecord } from '../../src/sdk/index.js';
import { Store } from '../../src/store/index.js';
import { serve, type RunningServer } from '../support/http-server.js';
import { freshSchemaUrl, testDatabaseUrl } from '../support/pg-schema.js';
import { TEST_SETTINGS, rotation, testSigner } from '../support/ledger.js';

const skip = testDatabaseUrl() ? false : 'no PostgreSQL here';
if (skip) console.warn(`sdk failover on PostgreSQL: skipped: ${skip}`);

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An instance's HTTP server, noting every request it receives. */
async function serveCounting(handler: RequestListener): Promise<RunningServer & { requests: string[] }> {
  const requests: string[] = [];
  const server = await serve((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  cleanups.push(() => server.close());
  return { ...server, requests };
}

/** A configured instance that must not be asked: it counts connections and answers nothing useful. */
async function bystander(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer((_req, res) => res.writeHead(500).end());
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

describe.skipIf(skip)('the SDK on a PostgreSQL leader and follower', () => {
  it('given the follower first, lands its post on the leader once and verifies it; the follower shares the idempotency table', async () => {
    const schema = freshSchemaUrl();
    cleanups.push(() => schema.drop());
    const signer = testSigner();
    const base = { signer, crypto: nodeCrypto, settings: { ...TEST_SETTINGS, batchWaitMs: 0 }, role: 'follower' as const };
    const logger = createLogger('silent');

    // Instance A: opened as a follower, then granted the lead with its server's URL as the advertised one.
    const storeA = Store.open(schema.url, { follower: true });
    const a = Ledger.open({ ...base, store: storeA });
    cleanups.push(() => storeA.close(), () => a.close());
    const serverA = await serveCounting(createHandler({ ledger: a, logger }));
    a.promote(storeA.tryLead('a', serverA.url)!);
    a.start();
    const writer = generateToken('writer');
    storeA.tokens.add({ id: writer.id, hash: writer.hash, role: 'writer', source: 'sdk-failover', createdAt: 'x', expiresAt: null });

    // Instance B: a follower on the same schema.
    const storeB = Store.open(schema.url, { follower: true });
    const b = Ledger.open({ ...base, store: storeB });
    cleanups.push(() => storeB.close(), () => b.close());
    const serverB = await serveCounting(createHandler({ ledger: b, logger }));
    expect(b.role()).toMatchObject({ role: 'follower', leader: serverA.url });

    const between = await bystander();
    const retries: { status?: number; url: string; delayMs: number }[] = [];
    const client = new LedgerClient({
      url: [serverB.url, between.url, serverA.url],
      token: writer.token,
      retry: backoffPolicy({ baseDelayMs: 20, maxDelayMs: 100 }),
      verify: { verifierKey: formatVerifierKey(verifierKeyOf(signer)) },
      onRetry: ({ status, url, delayMs }) => retries.push({ status, url, delayMs }),
    });
    const sizeBefore = storeA.log.size();
    const record = rotation(1) as unknown as EvidenceRecord;
    const receipt = await client.post(record, { idempotencyKey: 'rotation-failover-1' });
    expect(retries).toEqual([{ status: 503, url: serverA.url, delayMs: 0 }]);
    expect(between.connections()).toBe(0);
    expect(serverB.requests).toEqual(['POST /v1/entries']);
    expect(serverA.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/entries']);
    expect(receipt).toMatchObject({ index: sizeBefore, replayed: false });
    expect(receipt.verified?.treeSize).toBeGreaterThan(receipt.index);
    expect(storeA.log.size()).toBe(sizeBefore + 1);
    expect(Buffer.from(storeA.log.entry(receipt.index)!.leafHash).toString('hex')).toBe(receipt.leafHash);

    // The next post starts at the leader; the follower is not asked again.
    await client.post(rotation(2) as unknown as EvidenceRecord, { verify: false });
    expect(serverB.requests).toEqual(['POST /v1/entries']);
    expect(storeA.log.size()).toBe(sizeBefore + 2);

    // The same key and body through a new client that starts at the follower: a replay, nothing appended.
    const again = await new LedgerClient({ url: [serverB.url, serverA.url], token: writer.token, retry: backoffPolicy({ baseDelayMs: 20 }) }).post(record, {
      idempotencyKey: 'rotation-failover-1',
    });
    expect(again).toMatchObject({ index: receipt.index, leafHash: receipt.leafHash, replayed: true });
    expect(serverB.requests).toEqual(['POST /v1/entries', 'POST /v1/entries']);
    expect(storeA.log.size()).toBe(sizeBefore + 2);
  });
});
