/**
 * A client for posting systems (secret managers, CI steps): typed records, one Idempotency-Key
 * per logical post reused by every retry, retries on 429/503/network errors that honour
 * Retry-After (retry.ts), failover between the instances of one log (endpoints.ts), and
 * optional receipt verification (receipt.ts). Runs wherever `fetch` and Web Crypto's randomUUID
 * exist: Node 20+ and browsers. Imports only pure modules.
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import { toHex } from '../crypto/bytes.js';
import { validateRecord, type EvidenceRecord } from '../evidence/index.js';
import type { Checkpoint } from '../note/index.js';
import { LedgerApiError, LedgerNetworkError, ReceiptError, RecordInvalidError, type Problem } from './errors.js';
import { checkInclusion, checkReceiptLeaf, openTrustedCheckpoint, type AppendedEntry } from './receipt.js';
import { Endpoints } from './endpoints.js';
import { backoffPolicy, type RetryPolicy } from './retry.js';

export interface VerifyOptions {
  /** The log's verifier key (GET /v1/key, or better, from the operator out of band). */
  verifierKey: string;
  /** The log's origin; default: the key's name, which the ledger makes equal to it. */
  origin?: string;
  /** How long to wait for a checkpoint that covers the entry (default 15 s; the ledger signs every second). */
  timeoutMs?: number;
}

export interface LedgerClientOptions {
  /**
   * The ledger's base URL, e.g. https://ledger.example.com; or the base URLs of several instances
   * of one log (a PostgreSQL leader and its followers), in the order to try them. A write a
   * follower refuses goes to the leader it names if that is one of these, else to the next one;
   * so does any request that gets no answer. Requests start at the instance that last accepted a
   * write. The leader a follower names is never contacted unless it is listed here.
   */
  url: string | readonly string[];
  /** A writer token (elt_writer_...). */
  token: string;
  retry?: RetryPolicy;
  /** Per-attempt timeout (default 30 s); a timed-out attempt is retried like a network error. */
  attemptTimeoutMs?: number;
  /** Check records locally first (default true): a bad record fails before any request. */
  validate?: boolean;
  /** Verify every receipt (see VerifyOptions); can also be asked per post. */
  verify?: VerifyOptions;
  fetch?: typeof fetch;
  crypto?: Crypto;
  sleep?: (ms: number) => Promise<void>;
  newIdempotencyKey?: () => string;
  /**
   * Told before each retry: for logs and tests. `url` is the instance the next attempt goes to;
   * `delayMs` is 0 when it moves at once to an instance not yet asked since the last wait.
   */
  onRetry?: (info: { attempt: number; delayMs: number; url: string; status?: number; error?: unknown }) => void;
}

export interface PostOptions {
  /** Reuse a key across process restarts (e.g. derived from a job id); default: a new UUID per post. */
  idempotencyKey?: string;
  verify?: VerifyOptions | false;
}

export interface Receipt extends AppendedEntry {
  /** true when the ledger answered an earlier, identical request (a retry that had already landed). */
  replayed: boolean;
  idempotencyKey: string;
  /** Present when the receipt was verified: the signed checkpoint that includes the entry. */
  verified?: { checkpoint: string; treeSize: number; rootHash: string };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  attempts: number;
  /** Which configured instance answered (an index into Endpoints.urls). */
  endpoint: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class LedgerClient {
  private readonly endpoints: Endpoints;
  private readonly retry: RetryPolicy;
  private readonly fetch: typeof fetch;
  private readonly crypto: Crypto;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly newKey: () => string;

  constructor(private readonly options: LedgerClientOptions) {
    this.endpoints = new Endpoints(options.url);
    this.retry = options.retry ?? backoffPolicy();
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.crypto = options.crypto ?? nobleCrypto;
    this.sleep = options.sleep ?? defaultSleep;
    this.newKey = options.newIdempotencyKey ?? (() => globalThis.crypto.randomUUID());
  }

  /** Appends one record; resolves once it is durable (and, if asked, verified). */
  async post(record: EvidenceRecord, options: PostOptions = {}): Promise<Receipt> {
    this.check([record]);
    const key = options.idempotencyKey ?? this.newKey();
    const answer = await this.send('POST', '/v1/entries', JSON.stringify(record), key);
    const entry = JSON.parse(answer.text) as AppendedEntry;
    const receipt: Receipt = { ...entry, replayed: answer.status === 200, idempotencyKey: key };
    const verify = this.verifyOptions(options);
    return verify ? (await this.verifyAll([record], [receipt], verify))[0]! : receipt;
  }

  /** Appends 1 to 1,000 records, all or none, in order, with one key for the batch. */
  async postBatch(records: EvidenceRecord[], options: PostOptions = {}): Promise<Receipt[]> {
    this.check(records);
    const key = options.idempotencyKey ?? this.newKey();
    const answer = await this.send('POST', '/v1/entries/batch', JSON.stringify({ records }), key);
    const { entries } = JSON.parse(answer.text) as { entries: AppendedEntry[] };
    const receipts = entries.map((e) => ({ ...e, replayed: answer.status === 200, idempotencyKey: key }));
    const verify = this.verifyOptions(options);
    return verify ? this.verifyAll(records, receipts, verify) : receipts;
  }

  /** The latest signed checkpoint note (not yet verified: see verifyReceipts). */
  async checkpoint(): Promise<string> {
    return (await this.send('GET', '/v1/checkpoint')).text;
  }

  /**
   * Verifies receipts against the records sent: leaves recomputed, then inclusion in one
   * signed checkpoint that covers them all (waiting for one if needed).
   */
  async verifyAll(records: readonly EvidenceRecord[], receipts: Receipt[], verify: VerifyOptions): Promise<Receipt[]> {
    if (records.length !== receipts.length) throw new ReceiptError('RECORD_MISMATCH', `${records.length} records sent, ${receipts.length} entries returned`);
    const hashes = receipts.map((r, i) => checkReceiptLeaf(this.crypto, records[i]!, r));
    const last = Math.max(...receipts.map((r) => r.index));
    const { note, checkpoint, endpoint } = await this.checkpointCovering(last, verify);
    for (const [i, r] of receipts.entries()) {
      // Asked of the instance that served the checkpoint: a follower a few ms behind may not know its size yet.
      const proof = JSON.parse((await this.send('GET', `/v1/proofs/inclusion?index=${r.index}&treeSize=${checkpoint.size}`, undefined, undefined, endpoint)).text) as { proof: string[] };
      checkInclusion(this.crypto, hashes[i]!, r.index, checkpoint, proof.proof);
    }
    const verified = { checkpoint: note, treeSize: checkpoint.size, rootHash: toHex(checkpoint.rootHash) };
    return receipts.map((r) => ({ ...r, verified }));
  }

  private async checkpointCovering(index: number, verify: VerifyOptions): Promise<{ note: string; checkpoint: Checkpoint; endpoint: number }> {
    const deadline = Date.now() + (verify.timeoutMs ?? 15_000);
    for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
      let answer: Answer | undefined;
      try {
        answer = await this.send('GET', '/v1/checkpoint');
      } catch (err) {
        // 404 until the very first checkpoint is signed.
        if (!(err instanceof LedgerApiError && err.status === 404)) throw err;
      }
      if (answer !== undefined) {
        const checkpoint = openTrustedCheckpoint(this.crypto, answer.text, verify.verifierKey, verify.origin);
        if (checkpoint.size > index) return { note: answer.text, checkpoint, endpoint: answer.endpoint };
      }
      if (Date.now() + wait > deadline) throw new ReceiptError('CHECKPOINT_TIMEOUT', `no signed checkpoint covered entry ${index} within ${verify.timeoutMs ?? 15_000} ms`);
      await this.sleep(wait);
    }
  }

  private verifyOptions(options: PostOptions): VerifyOptions | undefined {
    return options.verify === false ? undefined : (options.verify ?? this.options.verify);
  }

  private check(records: readonly EvidenceRecord[]): void {
    if (this.options.validate === false) return;
    records.forEach((record, i) => {
      const result = validateRecord(record);
      if (!result.ok) throw new RecordInvalidError(result.problems, records.length > 1 ? i : undefined);
    });
  }

  /**
   * One request, retried by the policy; resolves with a 2xx answer or throws. Every attempt, on
   * whichever instance, carries the same body and Idempotency-Key, so a write lands at most once
   * (the instances share the idempotency table through their database). An attempt moves at once
   * to an instance not yet asked since the last wait; coming back to one waits as the policy says
   * (Retry-After, backoff): at most one round of the instances between waits, and the policy's
   * attempt budget counts every attempt on every instance.
   */
  private async send(method: string, path: string, body?: string, idempotencyKey?: string, from?: number): Promise<Answer> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json, text/plain;q=0.9' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    const urls = this.endpoints.urls;
    const askedSinceWait = new Set<number>();
    const first = from ?? this.endpoints.start();
    let at = first;
    for (let attempt = 1; ; attempt++) {
      askedSinceWait.add(at);
      let response: Response | undefined;
      let text = '';
      let error: unknown;
      try {
        response = await this.fetch(`${urls[at]}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 30_000),
        });
        text = await response.text();
      } catch (err) {
        error = err;
        response = undefined;
      }
      if (response && response.ok) {
        // Where the next request starts (a read moves only off an instance that did not answer).
        this.endpoints.succeeded(at, first);
        return { status: response.status, headers: response.headers, text, attempts: attempt, endpoint: at };
      }
      const outcome = response
        ? { attempt, status: response.status, headers: response.headers, nowMs: Date.now() }
        : { attempt, error, nowMs: Date.now() };
      const decision = this.retry(outcome);
      if (!decision.retry) {
        const where = urls.length > 1 ? ` (last at ${urls[at]})` : '';
        if (!response) throw new LedgerNetworkError(`${method} ${path}: no answer after ${attempt} attempts${where}: ${(error as Error)?.message ?? error}`, attempt, { cause: error });
        throw new LedgerApiError(response.status, parseProblem(text), attempt);
      }
      const next = this.endpoints.next(at, response ? { answered: true, problem: parseProblem(text) } : { answered: false });
      const waits = askedSinceWait.has(next);
      this.options.onRetry?.({ attempt, delayMs: waits ? decision.delayMs : 0, url: urls[next]!, ...(response ? { status: response.status } : { error }) });
      if (waits) {
        await this.sleep(decision.delayMs);
        askedSinceWait.clear();
      }
      at = next;
    }
  }
}

function parseProblem(text: string): Problem | undefined {
  try {
    const value = JSON.parse(text) as Problem;
    return typeof value === 'object' && value !== null && typeof value.status === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
