/**
 * The SDK against the real server (dist/, spawned with PORT 0): posts and batches with verified
 * receipts, tampering caught, retries through real back-pressure 503s (a tiny LEDGER_QUEUE_MAX)
 * honouring Retry-After, through a real restart (connection refused meanwhile), and a lost
 * answer retried under the same Idempotency-Key appending nothing twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../../scripts/harness-server.js';
import { LedgerApiError, LedgerClient, LedgerNetworkError, RecordInvalidError, backoffPolicy, type EvidenceRecord } from '../../src/sdk/index.js';
import { validExamples } from '../evidence/examples.js';
import { createToken, ledgerFolder, type LedgerFolder } from '../reliability/support.js';

const record = (n: number): EvidenceRecord =>
  ({ ...validExamples.rotation, subject: { id: `svc-sdk-${n}`, kind: 'service_account' } }) as EvidenceRecord;

interface Running {
  server: ServerProcess;
  url: string;
}

async function start(f: LedgerFolder, env: Record<string, string> = {}): Promise<Running> {
  const server = ServerProcess.spawn({ ...f.env, LEDGER_PREPARE_THREADS: '0', ...env });
  return { server, url: await server.waitListening() };
}

async function treeSize(url: string): Promise<number> {
  return ((await (await fetch(`${url}/readyz`)).json()) as { treeSize: number }).treeSize;
}

describe('the SDK against the real server', () => {
  let f: LedgerFolder;
  let run: Running;
  let token: string;
  const fast = backoffPolicy({ baseDelayMs: 20, maxDelayMs: 200 });
  beforeAll(async () => {
    f = ledgerFolder('ledger-sdk-');
    run = await start(f);
    token = await createToken(run.url, f.adminToken, 'writer', 'sdk-test');
  });
  afterAll(async () => {
    await run.server.stop();
    f.cleanup();
  });

  it('posts a record and a batch, and verifies each receipt against the verifier key', async () => {
    const client = new LedgerClient({ url: run.url, token, verify: { verifierKey: f.verifierKey } });
    const one = await client.post(record(1));
    expect(one.replayed).toBe(false);
    expect(one.entry.record).toEqual(record(1));
    expect(one.verified?.treeSize).toBeGreaterThan(one.index);
    const many = await client.postBatch([record(2), record(3), record(4)]);
    expect(many.map((r) => r.index)).toEqual([one.index + 1, one.index + 2, one.index + 3]);
    expect(new Set(many.map((r) => r.idempotencyKey)).size).toBe(1);
    for (const r of many) expect(r.verified?.treeSize).toBeGreaterThan(r.index);
  });

  it('refuses a receipt whose leaf was altered on the way, or a checkpoint another key signed', async () => {
    const tampering = (change: (body: { leaf: string; leafHash: string }) => void): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/v1/entries')) return res;
      const body = (await res.json()) as { leaf: string; leafHash: string };
      change(body);
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const otherRecord = tampering((body) => {
      const leaf = JSON.parse(Buffer.from(body.leaf, 'base64').toString('utf8'));
      leaf.record.ticket = 'CHG-FORGED';
      body.leaf = Buffer.from(JSON.stringify(leaf)).toString('base64');
    });
    const verify = { verifierKey: f.verifierKey };
    await expect(new LedgerClient({ url: run.url, token, fetch: otherRecord, verify }).post(record(5))).rejects.toMatchObject({ name: 'ReceiptError', code: 'RECORD_MISMATCH' });
    const otherHash = tampering((body) => {
      body.leafHash = body.leafHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    });
    await expect(new LedgerClient({ url: run.url, token, fetch: otherHash, verify }).post(record(5))).rejects.toMatchObject({ name: 'ReceiptError', code: 'LEAF_HASH_MISMATCH' });
    const otherKey = ledgerFolder('ledger-sdk-other-');
    try {
      const wrongKey = new LedgerClient({ url: run.url, token, verify: { verifierKey: otherKey.verifierKey, origin: 'reliability.test/log' } });
      await expect(wrongKey.post(record(6))).rejects.toMatchObject({ name: 'ReceiptError', code: 'CHECKPOINT_INVALID' });
    } finally {
      otherKey.cleanup();
    }
  });

  it('reports a bad record before sending and a refused one with the problem', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const client = new LedgerClient({ url: run.url, token, fetch: counting, retry: fast });
    await expect(client.post({ ...record(7), controlId: '' } as EvidenceRecord)).rejects.toBeInstanceOf(RecordInvalidError);
    expect(requests).toBe(0);
    const unchecked = new LedgerClient({ url: run.url, token, fetch: counting, retry: fast, validate: false });
    const err = await unchecked.post({ ...record(7), controlId: '' } as EvidenceRecord).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerApiError);
    expect((err as LedgerApiError).problem?.field).toBe('controlId');
    expect((err as LedgerApiError).attempts).toBe(1); // a 400 is not retried
  });

  it('retries a post whose answer was lost with the same Idempotency-Key: one entry, answered as a replay', async () => {
    const keys: string[] = [];
    let dropped = false;
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).endsWith('/v1/entries')) {
        keys.push(new Headers(init?.headers).get('Idempotency-Key')!);
        if (!dropped) {
          dropped = true;
          throw new TypeError('fetch failed (the answer was lost)');
        }
      }
      return res;
    };
    const before = await treeSize(run.url);
    const receipt = await new LedgerClient({ url: run.url, token, fetch: lossy, retry: fast }).post(record(8));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(receipt.replayed).toBe(true);
    expect(await treeSize(run.url)).toBe(before + 1);
  });

  it('gives up after the policy\'s attempts with a network error when nothing listens', async () => {
    const client = new LedgerClient({ url: 'http://127.0.0.1:1', token, retry: backoffPolicy({ maxAttempts: 3, baseDelayMs: 5 }) });
    const err = await client.post(record(9)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerNetworkError);
    expect((err as LedgerNetworkError).attempts).toBe(3);
  });
});

describe('SDK retries through real 503s and a real restart', () => {
  let f: LedgerFolder;
  let run: Running | undefined;
  afterEach(async () => {
    await run?.server.stop();
    run = undefined;
    f?.cleanup();
  });

  it('lands every record exactly once through back-pressure 503s, waiting at least Retry-After', async () => {
    f = ledgerFolder('ledger-sdk-503-');
    // A queue of 3 and commits held 50 ms: 24 posts at once overflow it for sure.
    run = await start(f, { LEDGER_QUEUE_MAX: '3', LEDGER_BATCH_WAIT_MS: '50' });
    const token = await createToken(run.url, f.adminToken, 'writer', 'sdk-503');
    // The ledger's own entries (its key, the token's issuance) come first.
    const before = await treeSize(run.url);
    const retries: { status?: number; delayMs: number }[] = [];
    const client = new LedgerClient({
      url: run.url,
      token,
      retry: backoffPolicy({ maxAttempts: 30, baseDelayMs: 50 }),
      onRetry: (r) => retries.push(r),
    });
    const receipts = await Promise.all(Array.from({ length: 24 }, (_, i) => client.post(record(100 + i))));
    const statuses = new Set(retries.map((r) => r.status));
    expect(statuses).toEqual(new Set([503]));
    // Retry-After: 1 from the ledger is a floor for every wait.
    expect(Math.min(...retries.map((r) => r.delayMs))).toBeGreaterThanOrEqual(1000);
    expect(new Set(receipts.map((r) => r.index)).size).toBe(24);
    expect(await treeSize(run.url)).toBe(before + 24);
  });

  it('keeps retrying while the server restarts, then lands the record once', async () => {
    f = ledgerFolder('ledger-sdk-restart-');
    run = await start(f);
    const token = await createToken(run.url, f.adminToken, 'writer', 'sdk-restart');
    const before = await treeSize(run.url);
    const port = new URL(run.url).port;
    await run.server.kill();
    const retries: { status?: number; error?: unknown }[] = [];
    const client = new LedgerClient({
      url: run.url,
      token,
      retry: backoffPolicy({ maxAttempts: 200, baseDelayMs: 20, maxDelayMs: 100 }),
      onRetry: (r) => retries.push(r),
      verify: { verifierKey: f.verifierKey },
    });
    const posting = client.post(record(200));
    // The client is refused at least once before the server is back on the same port.
    const deadline = Date.now() + 10_000;
    while (retries.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(retries.length).toBeGreaterThan(0);
    run = await start(f, { PORT: port });
    const receipt = await posting;
    expect(retries.some((r) => r.error !== undefined)).toBe(true);
    expect(receipt.index).toBeGreaterThanOrEqual(before);
    expect(receipt.entry.record).toEqual(record(200));
    expect(receipt.verified?.treeSize).toBeGreaterThan(before);
    // The restart may record its own start-up entries too: the record landed once, at `before`.
    expect(await treeSize(run.url)).toBeGreaterThanOrEqual(before + 1);
  });
});
