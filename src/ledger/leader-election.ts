/**
 * One sequencer across the instances that share a database: a follower asks the store to lead
 * every `pollMs` (PostgreSQL: pg_try_advisory_lock, then a new fenced term) and, once granted,
 * promotes its ledger. Leadership is never given back in place: when the store reports it lost
 * (its lock session died, or a fenced commit saw a newer term) the ledger stops writing at once
 * and `onLost` runs; the service exits (crash-only) and its supervisor restarts it as a follower.
 */
import type { Ledger } from './ledger.js';
import type { LeaderTerm, Leadership } from './leadership.js';

export interface LeaderElectionOptions {
  leadership: Leadership;
  ledger: Ledger;
  /** Who asks: hostname:pid in the service. */
  holder: string;
  /** Where this instance serves (LEDGER_ADVERTISE_URL), for followers' not-leader answers. */
  url: string | null;
  pollMs: number;
  /** Runs once promoted, before the next poll (first-run work: start-up access records...). */
  onPromoted?: (term: LeaderTerm) => void | Promise<void>;
  /** Runs once, when leadership is lost. */
  onLost?: (reason: string) => void;
  onError?: (message: string, err?: unknown) => void;
}

export class LeaderElection {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lost = false;

  constructor(private readonly options: LeaderElectionOptions) {
    options.leadership.onLeadershipLost((reason) => this.leadershipLost(reason));
  }

  /** Tries at once, then every pollMs until this instance leads. Resolves after the first try (and its promotion). */
  async start(): Promise<void> {
    await this.attempt();
  }

  /** Whether another attempt to lead is scheduled. */
  get polling(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.lost) return;
    const { leadership, ledger, holder, url } = this.options;
    let term: LeaderTerm | undefined;
    try {
      term = leadership.tryLead(holder, url);
    } catch (err) {
      this.options.onError?.('trying to lead failed; trying again', err);
    }
    if (term && !this.lost) {
      try {
        ledger.promote(term);
      } catch (err) {
        // The ledger refused (e.g. its key does not match the database): lose at once, loudly.
        this.options.onError?.('promotion to leader failed', err);
        this.leadershipLost(`promotion failed: ${(err as Error).message}`);
        return;
      }
      await Promise.resolve(this.options.onPromoted?.(term)).catch((err: unknown) => this.options.onError?.('first work as leader failed', err));
      return;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt(), this.options.pollMs);
    this.timer.unref();
  }

  private leadershipLost(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    this.stop();
    this.options.ledger.loseLeadership(reason);
    this.options.onLost?.(reason);
  }
}
