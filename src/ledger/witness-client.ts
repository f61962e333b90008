/**
 * One witness, from the log's side of C2SP tlog-witness v1.0.0: a loop that sends the next
 * checkpoint this witness has not cosigned, with the RFC 6962 §2.1.2 consistency proof from the
 * size it last cosigned, and keeps the cosignature once verified. Each witness has its own loop,
 * so a slow or dead one holds up neither appends nor the other witnesses.
 *
 * As Tessera's witness client does: the size the witness last cosigned is remembered (here, in
 * the database) or learned from a 409's text/x.tlog.size body, then the request is sent again at
 * once; other failures back off exponentially. Unlike Tessera, which gives up on a checkpoint
 * after three tries, this loop never gives up: a period close must end up witnessed.
 */
import type { Crypto } from '../crypto/types.js';
import { toBase64 } from '../crypto/bytes.js';
import { consistencyProof } from '../merkle/index.js';
import { formatCosignerKey, verifyCosignatures, type VerifierKey } from '../note/index.js';
import type { CheckpointRow, Store } from '../store/index.js';
import { formatTimestamp } from '../evidence/index.js';

/** First back-off after a failure; it doubles up to the configured maximum. */
export const WITNESS_RETRY_MIN_MS = 100;
/** Default longest back-off between two attempts to reach a witness that is down. */
export const DEFAULT_WITNESS_RETRY_MAX_MS = 30_000;
/** A witness that has not answered in this long is treated as down for this attempt. */
export const WITNESS_REQUEST_TIMEOUT_MS = 10_000;
/**
 * Most bytes read from a witness's answer: a few cosignature lines (or a size) fit in far less.
 * A witness is not trusted with the ledger's memory: a longer answer is cut off and refused.
 */
export const MAX_WITNESS_RESPONSE_BYTES = 64 * 1024;
/** 409s in a row answered by resending at once; more means the witness keeps moving: back off. */
const MAX_IMMEDIATE_RESENDS = 3;

export interface WitnessEndpoint {
  /** The policy's name for this witness. */
  readonly name: string;
  readonly key: VerifierKey;
  /** Submission prefix: requests go to `${url}/add-checkpoint`. */
  readonly url: string;
}

export interface WitnessClientDeps {
  store: Store;
  c: Crypto;
  clock: () => number;
  retryMaxMs: number;
  /** The newest log-signed checkpoint. */
  latestSigned: () => CheckpointRow | undefined;
  /** A cosignature was stored for the checkpoint of this size. */
  onCosigned: (treeSize: number) => void;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** What /readyz shows for one witness. */
export interface WitnessClientStatus {
  name: string;
  url: string;
  /** The largest size this witness is known to have cosigned (0: none known). */
  cosignedTreeSize: number;
  lastSuccessAt?: string;
  lastError?: string;
  /** Set when the witness refused our history (409 at the same size, 422): a fork. Never cleared by itself. */
  conflict?: string;
}

export class WitnessClient {
  private witnessSize: number;
  private failures = 0;
  private resends = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly abort = new AbortController();
  private readonly status: WitnessClientStatus;
  private running: Promise<void> | undefined;

  constructor(
    readonly endpoint: WitnessEndpoint,
    private readonly deps: WitnessClientDeps,
  ) {
    this.witnessSize = deps.store.cosignatures.lastCosigned(endpoint.key.name, endpoint.key.keyHash) ?? 0;
    this.status = { name: endpoint.name, url: endpoint.url, cosignedTreeSize: this.witnessSize };
  }

  /**
   * Takes the size this witness has cosigned from the store again, while not running: a follower
   * (another instance talks to the witness) and a follower being promoted.
   */
  resync(): void {
    if (this.running) return;
    this.witnessSize = this.deps.store.cosignatures.lastCosigned(this.endpoint.key.name, this.endpoint.key.keyHash) ?? 0;
    this.status.cosignedTreeSize = this.witnessSize;
  }

  start(): void {
    this.running ??= this.loop().catch((err: unknown) => this.deps.log('error', `witness ${this.endpoint.name}: loop stopped`, { err: (err as Error).message }));
  }

  /** A checkpoint was signed: look again now (does not cut a back-off short). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.running;
  }

  snapshot(): WitnessClientStatus {
    return { ...this.status };
  }

  /**
   * The next checkpoint to send: the smallest period close this witness has not cosigned (closes
   * go first, in order, so each can be cosigned at its own size), else the newest checkpoint.
   * Sizes below what the witness cosigned can never be cosigned by it again.
   */
  private nextTarget(): CheckpointRow | undefined {
    const { store } = this.deps;
    const { name, keyHash } = this.endpoint.key;
    const close = store.cosignatures.closeToSend(this.witnessSize, name, keyHash);
    if (close !== undefined) return store.checkpoints.at(close);
    const latest = this.deps.latestSigned();
    if (!latest || latest.treeSize < this.witnessSize || latest.treeSize === 0) return undefined;
    if (latest.treeSize === this.witnessSize && store.cosignatures.has(latest.treeSize, name, keyHash)) return undefined;
    return latest;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const target = this.nextTarget();
      if (!target) {
        const latest = this.deps.latestSigned()?.treeSize ?? 0;
        if (latest < this.witnessSize) this.status.lastError = `it has cosigned size ${this.witnessSize}, beyond this log's ${latest}: waiting for the log to grow`;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const again = await this.submit(target);
      if (this.stopped) return;
      if (again === 'next') {
        this.failures = 0;
        continue;
      }
      this.failures++;
      const delay = Math.min(this.deps.retryMaxMs, WITNESS_RETRY_MIN_MS * 2 ** Math.min(this.failures - 1, 20));
      await this.sleep(delay * (0.9 + Math.random() * 0.2));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.abort.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private fail(message: string, conflict = false): 'backoff' {
    this.status.lastError = message;
    if (conflict) {
      if (this.status.conflict !== message) this.deps.log('error', `WITNESS REFUSES THIS LOG'S HISTORY: ${message}`, { witness: this.endpoint.name });
      this.status.conflict = message;
    } else {
      this.deps.log('warn', `witness ${this.endpoint.name}: ${message}`, { witness: this.endpoint.name, failures: this.failures + 1 });
    }
    return 'backoff';
  }

  /** One add-checkpoint request. 'next': look for the next target at once; 'backoff': wait first. */
  private async submit(target: CheckpointRow): Promise<'next' | 'backoff'> {
    const old = this.witnessSize;
    const name = this.endpoint.name;
    if (old > target.treeSize) return this.fail(`it has cosigned size ${old}, beyond this log's ${target.treeSize}`);
    let body: string;
    try {
      const proof = old === 0 || old === target.treeSize ? [] : consistencyProof(this.deps.c, old, target.treeSize, this.deps.store.log);
      body = `old ${old}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${target.note}`;
    } catch (err) {
      return this.fail(`cannot prove ${old} -> ${target.treeSize}: ${(err as Error).message}`);
    }
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.endpoint.url.replace(/\/+$/, '')}/add-checkpoint`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(WITNESS_REQUEST_TIMEOUT_MS)]),
      });
      const read = await readAtMost(res, MAX_WITNESS_RESPONSE_BYTES);
      if (read === undefined) return this.fail(`answered ${res.status} with more than ${MAX_WITNESS_RESPONSE_BYTES} bytes; not read`);
      text = read;
    } catch (err) {
      if (this.stopped) return 'backoff';
      return this.fail(`unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
    if (this.stopped) return 'backoff';
    if (res.status === 200) return this.accept(target, text);
    if (res.status === 409) {
      const known = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
      if (!res.headers.get('content-type')?.startsWith('text/x.tlog.size') || !known) return this.fail(`409 without a text/x.tlog.size body`);
      const size = Number(known[1]);
      if (size === old) {
        return this.fail(`${name} cosigned size ${size} with another root than this log's: this log's history differs from what it witnessed (409)`, true);
      }
      this.witnessSize = size;
      this.status.cosignedTreeSize = size;
      this.deps.log('info', `witness ${name} last cosigned size ${size}; resending from there`);
      if (++this.resends > MAX_IMMEDIATE_RESENDS) {
        this.resends = 0;
        return 'backoff';
      }
      return 'next';
    }
    if (res.status === 422) {
      return this.fail(`${name} refused the consistency proof ${old} -> ${target.treeSize}: this log is not an extension of the tree it cosigned at size ${old} (422)`, true);
    }
    return this.fail(`answered ${res.status}: ${text.slice(0, 200).trim()}`);
  }

  /** Verifies the cosignature(s) against this witness's key and stores them. */
  private accept(target: CheckpointRow, text: string): 'next' | 'backoff' {
    let lines;
    try {
      lines = verifyCosignatures(this.deps.c, target.note + text, [this.endpoint.key]).cosignatures;
    } catch (err) {
      return this.fail(`answered 200 with an invalid cosignature: ${(err as Error).message}`);
    }
    if (lines.length === 0) return this.fail('answered 200 without a cosignature from its key');
    const receivedAt = formatTimestamp(this.deps.clock());
    const witnessKey = formatCosignerKey(this.endpoint.key);
    this.deps.store.transaction(() => {
      for (const l of lines) {
        this.deps.store.cosignatures.add({ treeSize: target.treeSize, cosigner: l.name, keyHash: l.keyHash, timestamp: l.timestamp, line: l.line, witnessKey, receivedAt });
      }
    });
    this.witnessSize = target.treeSize;
    this.resends = 0;
    Object.assign(this.status, { cosignedTreeSize: target.treeSize, lastSuccessAt: receivedAt });
    delete this.status.lastError;
    this.deps.onCosigned(target.treeSize);
    return 'next';
  }
}

/** The answer's body as text, or undefined (and the connection dropped) once it exceeds `max` bytes. */
async function readAtMost(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
