/** A shared database's leadership as a test sets it (src/ledger/leadership.ts): who leads, at which URL, and its loss. */
import type { LeaderTerm, Leadership } from '../../src/ledger/leadership.js';

export function fakeLeadership(current?: Partial<LeaderTerm>): Leadership & { leader: LeaderTerm | undefined; lose(reason: string): void } {
  const listeners: ((reason: string) => void)[] = [];
  const state = {
    backend: 'postgres' as const,
    leader: current ? { term: 1, holder: 'other:1', url: null, startedAt: '2026-09-14T02:00:00.000Z', ...current } : undefined,
    tryLead: (holder: string, url: string | null) => (state.leader = { term: (state.leader?.term ?? 0) + 1, holder, url, startedAt: '2026-09-14T02:00:00.000Z' }),
    currentLeader: () => state.leader,
    onLeadershipLost: (cb: (reason: string) => void) => void listeners.push(cb),
    lose: (reason: string) => listeners.forEach((cb) => cb(reason)),
  };
  return state;
}
