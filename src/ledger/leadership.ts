/**
 * Who may write: one sequencer across every instance that shares a database. The store decides
 * (PostgreSQL: an advisory lock on a dedicated session plus a fenced term in leader_terms; SQLite:
 * the writer lock, so a writable store always leads and a read-only one never does); this module
 * names what the ledger needs from it.
 */
import type { Store } from '../store/index.js';

/** One leadership term: who holds it, and where it serves (LEDGER_ADVERTISE_URL), if said. */
export interface LeaderTerm {
  term: number;
  holder: string;
  url: string | null;
  startedAt: string;
}

export interface Leadership {
  readonly backend: 'sqlite' | 'postgres';
  /** Tries to become the only sequencer; undefined when another instance holds the term (or the store is read-only). */
  tryLead(holder: string, url: string | null): LeaderTerm | undefined;
  /** The newest term, undefined when none was recorded. */
  currentLeader(): LeaderTerm | undefined;
  /** Called once if leadership is lost (the lock session died, or a fenced commit saw a newer term). */
  onLeadershipLost(cb: (reason: string) => void): void;
}

export type LedgerRole = 'leader' | 'follower';

/**
 * The store's leadership. A store without it (SQLite before the PostgreSQL backend) leads exactly
 * when it can write: the writer lock already makes it the only writer of its file.
 */
export function leadershipOf(store: Store): Leadership {
  const offered = store as unknown as Partial<Leadership>;
  if (typeof offered.tryLead === 'function') return store as unknown as Leadership;
  const writable = !store.db.readonly;
  return {
    backend: 'sqlite',
    tryLead: (holder, url) => (writable ? { term: 0, holder, url, startedAt: new Date().toISOString() } : undefined),
    currentLeader: () => undefined,
    onLeadershipLost: () => {},
  };
}
