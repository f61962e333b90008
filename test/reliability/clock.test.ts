/**
 * The clock going backwards (NTP step, VM restore, a wrong manual set): `receivedAt` still never
 * decreases with `index` (contract, "Entries"), through HTTP and across a restart that comes
 * up with an earlier clock than the last stored entry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { createToken, ledgerFolder, post, startInProcess, type LedgerFolder } from './support.js';

const T0 = Date.parse('2026-09-14T02:00:00.000Z');
const HOUR_MS = 3_600_000;

function receivedAts(f: LedgerFolder): string[] {
  const store = Store.open(f.dbFile, { readonly: true });
  try {
    return [...store.log.iterate()].map((e) => e.receivedAt);
  } finally {
    store.close();
  }
}

describe('clock going backwards', () => {
  let f: LedgerFolder;
  afterEach(() => f.cleanup());

  it('never stamps an entry earlier than the one before it, while running and after a restart', async () => {
    f = ledgerFolder('ledger-clock-');
    const now = { ms: T0 };
    let s = await startInProcess(f, { clock: () => now.ms });
    const writer = await createToken(s.url, f.adminToken, 'writer');
    const stamps: string[] = [];
    const postAt = async (ms: number, marker: string) => {
      now.ms = ms;
      const r = await post(s.url, writer, marker);
      expect(r.status).toBe(201);
      stamps.push(r.body.entry!.receivedAt);
    };

    await postAt(T0, 'a');
    await postAt(T0 - HOUR_MS, 'b'); // stepped back an hour
    await postAt(T0 - 2 * HOUR_MS, 'c'); // and again
    await postAt(T0 + 5, 'd'); // forward past the original time
    await s.close();

    now.ms = T0 - 24 * HOUR_MS; // restarts a day in the past
    s = await startInProcess(f, { clock: () => now.ms });
    await postAt(T0 - 24 * HOUR_MS, 'e');
    await postAt(T0 + 10, 'f');
    await s.close();

    expect(stamps).toEqual([
      '2026-09-14T02:00:00.000Z',
      '2026-09-14T02:00:00.000Z',
      '2026-09-14T02:00:00.000Z',
      '2026-09-14T02:00:00.005Z',
      '2026-09-14T02:00:00.005Z',
      '2026-09-14T02:00:00.010Z',
    ]);
    // Before them: the ledger's own entries for its key and the writer token, at T0.
    expect(receivedAts(f)).toEqual(['2026-09-14T02:00:00.000Z', '2026-09-14T02:00:00.000Z', ...stamps]);
  });
});
