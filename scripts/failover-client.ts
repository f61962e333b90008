/**
 * The failover harness's client: writers that append continuously to whichever instance answers.
 * Each request keeps its Idempotency-Key and records until it is acknowledged; a refusal (503
 * not-leader, a 503 while the new leader starts, a dead instance) sends it to the other instance
 * at once, and after both refused in a row it waits (the Retry-After, capped) before the next round.
 */
import { send, type AckedEntry, type HarnessRequest, type RequestFactory } from './harness-writers.js';

/** After every instance refused once, wait this long at most before the next round (Retry-After is 1 s). */
const ROUND_WAIT_MAX_MS = 100;
/** A request still unacknowledged after this long is a finding (no leader for that long). */
const REQUEST_DEADLINE_MS = 30_000;

export interface Acknowledgement {
  req: HarnessRequest;
  entries: AckedEntry[];
  replayed: boolean;
  /** performance.now() at the answer, and which instance gave it. */
  atMs: number;
  instance: number;
}

export class FailoverWriters {
  readonly acks: Acknowledgement[] = [];
  readonly findings: string[] = [];
  refusals = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  /** The instance the last acknowledgement came from: where writes go first. */
  private preferred = 0;

  constructor(
    /** Current URL of each instance slot (undefined while it is down). */
    private readonly urls: () => readonly (string | undefined)[],
    private readonly tokens: readonly string[],
    private readonly factory: RequestFactory,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.tokens.map((_, w) => this.loop(w));
  }

  /** Stops creating requests; resolves once every request already created is acknowledged (or given up). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(writer: number): Promise<void> {
    while (this.running) await this.deliver(this.factory.create(writer), writer);
  }

  private async deliver(req: HarnessRequest, writer: number): Promise<void> {
    const deadline = performance.now() + REQUEST_DEADLINE_MS;
    for (let round = 0; ; round++) {
      const urls = this.urls();
      for (let k = 0; k < urls.length; k++) {
        const instance = (this.preferred + k) % urls.length;
        const url = urls[instance];
        if (!url) continue;
        const out = await send(url, this.tokens[writer]!, req);
        if (out.status === 'acked') {
          this.preferred = instance;
          req.acked = out.entries;
          this.acks.push({ req, entries: out.entries, replayed: out.replayed, atMs: performance.now(), instance });
          return;
        }
        if (out.status === 'unexpected') {
          this.findings.push(`request ${req.id} to instance ${instance}: ${out.why}`);
          return;
        }
        req.unacknowledged++;
        this.refusals++;
      }
      if (performance.now() > deadline) {
        this.findings.push(`request ${req.id} was not acknowledged by any instance within ${REQUEST_DEADLINE_MS} ms`);
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(ROUND_WAIT_MAX_MS, 10 * (round + 1))));
    }
  }
}
