/**
 * VACUUM after a redaction on PostgreSQL (src/store/pg/redaction-vacuum.ts), against a scripted
 * session: what it runs, how long it waits, and what it tells the operator. The same code on a
 * real server is in test/http/redaction.test.ts (an older transaction holding it back).
 */
import { describe, expect, it } from 'vitest';
import { vacuumUntilClean, type MaintenanceLevel, type MaintenanceSession } from '../../src/store/pg/redaction-vacuum.js';

/** A session that owns the tables (or not) and reports `deadAfter[i]` dead row versions after the i-th VACUUM. */
function scripted(deadAfter: number[], owns = true): MaintenanceSession & { statements: string[] } {
  const statements: string[] = [];
  let vacuums = 0;
  return {
    statements,
    query: (sql) => {
      statements.push(sql.split(/\s+/, 2).join(' '));
      if (sql.includes('pg_has_role')) return Promise.resolve({ rows: [{ owns }] });
      if (sql.startsWith('VACUUM')) {
        vacuums++;
        return Promise.resolve({ rows: [] });
      }
      if (sql.includes('n_dead_tup')) return Promise.resolve({ rows: [{ dead: deadAfter[Math.min(vacuums, deadAfter.length) - 1] }] });
      return Promise.reject(new Error(`unexpected statement ${sql}`));
    },
  };
}

function recorder() {
  const messages: [MaintenanceLevel, string][] = [];
  const waits: number[] = [];
  return {
    messages,
    waits,
    report: (message: string, level: MaintenanceLevel) => messages.push([level, message]),
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

const schedule = { firstDelayMs: 500, maxDelayMs: 4_000, giveUpMs: 60_000 };

describe('VACUUM after a redaction', () => {
  it('runs once and says nothing when it removed every dead row version', async () => {
    const session = scripted([0]);
    const r = recorder();
    expect(await vacuumUntilClean(session, r.report, { schedule, sleep: r.sleep })).toBe('clean');
    expect(session.statements.filter((s) => s.startsWith('VACUUM'))).toEqual(['VACUUM entries,']);
    expect(r.messages).toEqual([]);
    expect(r.waits).toEqual([]);
  });

  it('runs again with a doubling wait, capped, while row versions are held back; warns once, then says when it is done', async () => {
    const session = scripted([3, 3, 3, 3, 3, 2, 0]);
    const r = recorder();
    expect(await vacuumUntilClean(session, r.report, { schedule, sleep: r.sleep })).toBe('clean');
    expect(session.statements.filter((s) => s.startsWith('VACUUM'))).toHaveLength(7);
    expect(r.waits).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(r.messages.map(([level]) => level)).toEqual(['warn', 'info']);
    expect(r.messages[0]![1]).toMatch(/left 3 dead row versions that a transaction older than the redaction can still see/);
    expect(r.messages[1]![1]).toMatch(/has removed the redacted row versions/);
  });

  it('is skipped with a warning, never retried, when the role does not own the tables', async () => {
    const session = scripted([5], false);
    const r = recorder();
    expect(await vacuumUntilClean(session, r.report, { schedule, sleep: r.sleep })).toBe('not-owner');
    expect(session.statements.some((s) => s.startsWith('VACUUM'))).toBe(false);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toEqual(['warn', expect.stringMatching(/only the tables' owner may run it/)]);
  });

  it('gives up after its time, naming what holds it back', async () => {
    const session = scripted([1]);
    const r = recorder();
    const outcome = await vacuumUntilClean(session, r.report, { schedule: { ...schedule, giveUpMs: 0 }, sleep: r.sleep });
    expect(outcome).toBe('gave-up');
    expect(r.messages.at(-1)).toEqual(['warn', expect.stringMatching(/still leaves 1 dead row versions.*pg_stat_activity/)]);
  });

  it('stops retrying when the store closes', async () => {
    const session = scripted([1]);
    const r = recorder();
    let closed = false;
    const sleep = (ms: number) => {
      closed = true;
      return r.sleep(ms);
    };
    expect(await vacuumUntilClean(session, r.report, { schedule, sleep, stopped: () => closed })).toBe('stopped');
    expect(session.statements.filter((s) => s.startsWith('VACUUM'))).toHaveLength(1);
  });
});
