/**
 * Who may write: one sequencer across every instance that shares a database. The store decides
 * (PostgreSQL: an advisory lock on a dedicated session plus a fenced term in leader_terms; SQLite:
 * the writer lock, so a writable store always leads and a read-only one never does); this module
 * names what the ledger needs from it, so that tests can stand in for a shared database.
 */
import type { LeaderTerm, Store } from '../store/index.js';

export type { LeaderTerm } from '../store/index.js';

export type Leadership = Pick<Store, 'backend' | 'tryLead' | 'currentLeader' | 'onLeadershipLost'>;

export type LedgerRole = 'leader' | 'follower';
