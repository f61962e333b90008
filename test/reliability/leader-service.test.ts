/**
 * The service on a shared PostgreSQL database (LEDGER_DATABASE_URL; a fresh database on the test
 * run's server, test/support/postgres.ts; skipped, saying why, where none can run), in-process: the first instance leads and does
 * the first-run work (dev tokens), the second follows and does none of it; /readyz says each
 * one's role; when the leader stops, the follower leads within a few poll periods.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/cli/service.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { ledgerFolder, readyz, startInProcess, waitFor, type LedgerFolder } from './support.js';

// Says why when PostgreSQL tests cannot run here.
const skip = postgresAvailable();

describe.skipIf(skip !== undefined)('the service on a shared PostgreSQL database', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function instance(name: string, f: LedgerFolder, url: string, lost: string[]): Promise<RunningService> {
    // No LEDGER_ADMIN_TOKEN: the first start of the log prints dev tokens (on the leader only).
    const env = { LEDGER_DATABASE_URL: url, LEDGER_ADMIN_TOKEN: '', LEDGER_LEADER_POLL_MS: '20', LEDGER_ADVERTISE_URL: `http://${name}.test` };
    const s = await startInProcess(f, { onLeadershipLost: (reason) => lost.push(reason) }, env);
    cleanups.push(() => s.close());
    return s;
  }

  it('one leads and does the first-run work, the other follows; the follower leads once the leader stops', async () => {
    const f = ledgerFolder('ledger-shared-');
    const db = await freshDatabase();
    cleanups.push(() => f.cleanup(), () => db.drop());
    const lost: string[] = [];
    const a = await instance('a', f, db.url, lost);
    const b = await instance('b', f, db.url, lost);
    expect(a.devTokens).toBeDefined();
    expect(b.devTokens).toBeUndefined();
    const [ra, rb] = [await readyz(a.url), await readyz(b.url)];
    expect(ra.body).toMatchObject({ status: 'ready', role: 'leader', database: 'writable' });
    expect(rb.body).toMatchObject({ status: 'ready', role: 'follower', term: ra.body.term, database: 'readable' });

    // A write to the follower is refused and names the leader; the same write to the leader lands.
    const post = (url: string) =>
      fetch(`${url}/v1/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${a.devTokens!.admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'writer', source: 's' }) });
    const refused = await post(b.url);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ type: 'urn:evidence-ledger:problem:not-leader', leader: 'http://a.test' });
    expect((await post(a.url)).status).toBe(201);
    const sizeWithTokens = a.ledger.size;

    await a.close();
    await waitFor(async () => (await readyz(b.url)).body.role === 'leader', 'the follower to lead', 10_000);
    const now = await readyz(b.url);
    expect(now.body.term as number).toBeGreaterThan(ra.body.term as number);
    // Its first work as leader adds no dev tokens and no second signing-key record to a log that has them.
    expect(b.ledger.size).toBe(sizeWithTokens);
    expect((await post(b.url)).status).toBe(201);
    expect(b.ledger.role()).toEqual({ role: 'leader', term: now.body.term });
    expect(lost).toEqual([]);
  });
});
