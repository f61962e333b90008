/**
 * Concurrent writers for the crash harness. Every request carries an Idempotency-Key and
 * records whose subject id is a unique marker, so the harness can find each record in the log
 * and count it. A request is acknowledged only by a 2xx answer; anything else (the server died,
 * 503) leaves it pending, to be retried with the same key and the same records.
 */
import type { Rng } from './harness-rng.js';

export interface AckedEntry {
  index: number;
  leafHash: string;
}

export interface HarnessRequest {
  id: number;
  writer: number;
  key: string;
  kind: 'entry' | 'batch';
  records: Record<string, unknown>[];
  /** One marker per record, in order. */
  markers: string[];
  acked?: AckedEntry[];
  /** Times it was sent without an acknowledgement. */
  unacknowledged: number;
}

export interface WriterStats {
  sent: number;
  acked: number;
  replays: number;
  connectionErrors: number;
  unavailable503: number;
  unexpected: string[];
}

/** Bounded batch size: large enough to make multi-record commits common, small enough to be quick. */
const MAX_BATCH_RECORDS = 8;
/** Share of requests sent as a batch rather than a single entry. */
const BATCH_SHARE = 0.3;
/** A stuck request is a finding, not a hang. */
const REQUEST_TIMEOUT_MS = 15_000;

export function markerRecord(marker: string): Record<string, unknown> {
  return {
    type: 'rotation',
    controlId: 'ITGC-AC-07',
    system: 'crash-harness',
    actor: { id: 'spiffe://harness/rotator', kind: 'workload' },
    subject: { id: marker, kind: 'service_account' },
    occurredAt: '2026-09-14T02:00:00Z',
    credentialId: 'akid-harness',
    newFingerprint: 'sha256:9ac0ffee',
  };
}

export class RequestFactory {
  private next = 0;
  constructor(private readonly rng: Rng) {}

  create(writer: number): HarnessRequest {
    const id = this.next++;
    const count = this.rng.next() < BATCH_SHARE ? 1 + this.rng.int(MAX_BATCH_RECORDS) : 1;
    const kind = count > 1 || this.rng.next() < BATCH_SHARE / 2 ? 'batch' : 'entry';
    const markers = Array.from({ length: kind === 'entry' ? 1 : count }, (_, i) => `hr-${id}-${i}`);
    return { id, writer, key: `harness-${id}`, kind, records: markers.map(markerRecord), markers, unacknowledged: 0 };
  }
}

export type SendOutcome =
  | { status: 'acked'; replayed: boolean; entries: AckedEntry[] }
  | { status: 'unacknowledged'; why: string }
  | { status: 'unexpected'; why: string };

/** Sends one request once. */
export async function send(url: string, token: string, req: HarnessRequest): Promise<SendOutcome> {
  const path = req.kind === 'entry' ? '/v1/entries' : '/v1/entries/batch';
  const body = req.kind === 'entry' ? req.records[0] : { records: req.records };
  let res: Response;
  try {
    res = await fetch(url + path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': req.key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    return { status: 'unacknowledged', why: `connection: ${(err as Error).cause ?? (err as Error).message}` };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    // The status line arrived but the body did not: not an acknowledgement.
    return { status: 'unacknowledged', why: `body cut off: ${(err as Error).message}` };
  }
  if (res.status === 503) return { status: 'unacknowledged', why: `503 retry-after=${res.headers.get('retry-after')}` };
  if (res.status !== 200 && res.status !== 201) return { status: 'unexpected', why: `${res.status} ${text.slice(0, 300)}` };
  const json = JSON.parse(text) as { index?: number; leafHash?: string; entries?: AckedEntry[] };
  const entries = req.kind === 'entry' ? [{ index: json.index!, leafHash: json.leafHash! }] : json.entries!.map((e) => ({ index: e.index, leafHash: e.leafHash }));
  return { status: 'acked', replayed: res.status === 200, entries };
}

/**
 * `count` writer loops against one server life. Each loop sends new requests until stop()
 * (or, when retries are queued, those first). Pending requests are returned by stop().
 */
export class WriterPool {
  readonly stats: WriterStats = { sent: 0, acked: 0, replays: 0, connectionErrors: 0, unavailable503: 0, unexpected: [] };
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly pending: HarnessRequest[] = [];
  /** Requests sent but not answered yet when the pool was stopped (in flight at the kill). */
  inFlight = 0;

  constructor(
    private readonly url: string,
    private readonly tokens: readonly string[],
    private readonly factory: RequestFactory,
    private readonly onAck: (req: HarnessRequest, outcome: { replayed: boolean; entries: AckedEntry[] }) => void,
  ) {}

  start(): void {
    for (let w = 0; w < this.tokens.length; w++) this.loops.push(this.loop(w));
  }

  private async loop(writer: number): Promise<void> {
    while (this.running) {
      const req = this.factory.create(writer);
      this.inFlight++;
      const outcome = await send(this.url, this.tokens[writer]!, req);
      this.inFlight--;
      this.stats.sent++;
      if (outcome.status === 'acked') {
        this.stats.acked++;
        if (outcome.replayed) this.stats.replays++;
        this.onAck(req, outcome);
      } else if (outcome.status === 'unacknowledged') {
        req.unacknowledged++;
        if (outcome.why.startsWith('503')) this.stats.unavailable503++;
        else this.stats.connectionErrors++;
        this.pending.push(req);
        // The server is gone or refusing: stop hammering it; the harness restarts it.
        return;
      } else {
        this.stats.unexpected.push(`request ${req.id}: ${outcome.why}`);
        return;
      }
    }
  }

  /** Stops sending; resolves once every loop has its last answer (or error), with the pending requests. */
  async stop(): Promise<HarnessRequest[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.pending;
  }
}
