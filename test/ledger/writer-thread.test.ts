/**
 * The sequencer with a writer that is not inline: at most one batch in flight, the head moving
 * only once a batch is durable, period closes run between batches, failures refusing their
 * batch only; and the real writer thread (thread-batch-writer.ts) against a real file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { nodeCrypto } from '../../src/crypto/node.js';
import { rootAt } from '../../src/merkle/index.js';
import { validateRecord, type EvidenceRecord } from '../../src/evidence/index.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { auditLedger } from '../../src/ledger/audit.js';
import { inlineBatchWriter, type BatchWriter, type WriteBatch } from '../../src/ledger/batch-writer.js';
import { ThreadBatchWriter } from '../../src/ledger/thread-batch-writer.js';
import { Store, StoreError } from '../../src/store/index.js';
import { TEST_SETTINGS, rotation, testSigner } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';

const record = (n: number): EvidenceRecord => {
  const v = validateRecord(rotation(n));
  if (!v.ok) throw new Error('bad test record');
  return v.record;
};

/** A writer that writes inline but answers only when the test says so. */
class GatedWriter implements BatchWriter {
  readonly gates: { batch: WriteBatch; open: () => void; fail: (err: unknown) => void }[] = [];
  constructor(private readonly store: Store) {}
  write(batch: WriteBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.gates.push({
        batch,
        open: () => {
          inlineBatchWriter(this.store).write(batch);
          resolve();
        },
        fail: reject,
      });
    });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Long enough for the sequencer's batch wait (TEST_SETTINGS: 1 ms) to pass. */
const flushTurn = () => new Promise((r) => setTimeout(r, 15));

describe('the sequencer with a writer that answers later', () => {
  let t: ReturnType<typeof tempDir>;
  let store: Store;
  let writer: GatedWriter;
  let ledger: Ledger;
  const now = { ms: Date.parse('2026-09-30T23:59:59.000Z') };
  beforeEach(() => {
    t = tempDir();
    store = Store.open(path.join(t.dir, 'ledger.db'));
    writer = new GatedWriter(store);
    ledger = Ledger.open({ store, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS, clock: () => now.ms, writer });
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('keeps one batch in flight, answers nobody before it is durable, and writes the next from the new head', async () => {
    const first = [ledger.append('ci', [record(1)]), ledger.append('ci', [record(2)])];
    await flushTurn();
    expect(writer.gates).toHaveLength(1);
    const second = [ledger.append('ci', [record(3)]), ledger.append('ci', [record(4)])];
    await flushTurn();
    expect(writer.gates).toHaveLength(1); // still one in flight
    expect(ledger.size).toBe(0);
    let answered = false;
    void Promise.all(first).then(() => (answered = true));
    await flushTurn();
    expect(answered).toBe(false);

    writer.gates[0]!.open();
    const firstResults = await Promise.all(first);
    expect(firstResults.map((r) => r.entries[0]!.index)).toEqual([0, 1]);
    await flushTurn();
    expect(writer.gates).toHaveLength(2); // what queued meanwhile went out as soon as the first landed
    expect(writer.gates[1]!.batch.rows.map((r) => r.index)).toEqual([2, 3]);
    writer.gates[1]!.open();
    const secondResults = await Promise.all(second);
    expect(secondResults[0]!.entries[0]!.envelope.prev).toBe(Buffer.from(firstResults[1]!.entries[0]!.leafHash).toString('hex'));
    expect(ledger.size).toBe(4);
  });

  it('refuses only the failed batch: the head stays, and the next batch takes the same indexes', async () => {
    const doomed = ledger.append('ci', [record(1)]);
    await flushTurn();
    writer.gates[0]!.fail(new StoreError('UNAVAILABLE', 'disk full'));
    await expect(doomed).rejects.toThrow('disk full');
    expect(ledger.size).toBe(0);
    const retry = ledger.append('ci', [record(1)]);
    await flushTurn();
    expect(writer.gates[1]!.batch.rows[0]!.index).toBe(0);
    writer.gates[1]!.open();
    expect((await retry).entries[0]!.index).toBe(0);
  });

  it('closes a period only between batches, so an entry stamped before the end is never left out of it', async () => {
    // A batch stamped 23:59:59 is in flight when the quarter ends and the cadence ticks.
    const inQuarter = ledger.append('ci', [record(1)]);
    await flushTurn();
    expect(writer.gates[0]!.batch.rows[0]!.receivedAt).toBe('2026-09-30T23:59:59.000Z');
    now.ms = Date.parse('2026-10-01T00:00:01.000Z');
    ledger.tick();
    expect(store.periods.get('2026-Q3')).toBeUndefined(); // waits for the batch in flight
    writer.gates[0]!.open();
    await inQuarter;
    await flushTurn();
    const close = store.periods.get('2026-Q3');
    expect(close?.treeSize).toBe(1);
  });

  it('drains what is queued and in flight on close, then signs the final checkpoint', async () => {
    const appended = [ledger.append('ci', [record(1)]), ledger.append('ci', [record(2)])];
    await flushTurn();
    const closed = ledger.close();
    const late = ledger.append('ci', [record(3)]);
    await expect(late).rejects.toThrow(/shutting down/);
    writer.gates[0]!.open();
    await closed;
    await Promise.all(appended);
    expect(store.checkpoints.latest()?.treeSize).toBe(2);
  });
});

describe('the writer thread', () => {
  let t: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    t = tempDir();
    file = path.join(t.dir, 'ledger.db');
  });
  afterEach(() => t.cleanup());

  it('writes concurrent singles and batches that audit clean and match the tree the sequencer kept', async () => {
    const store = Store.open(file);
    const writer = await ThreadBatchWriter.start(file);
    const ledger = Ledger.open({ store, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS, writer });
    const singles = Array.from({ length: 200 }, (_, i) => ledger.append('ci', [record(i)]));
    const batches = Array.from({ length: 5 }, (_, b) => ledger.append('ci', Array.from({ length: 100 }, (_, i) => record(1000 + b * 100 + i)), undefined, 'batch'));
    const results = await Promise.all([...singles, ...batches]);
    const indexes = results.flatMap((r) => r.entries.map((e) => e.index)).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 700 }, (_, i) => i));
    expect(store.log.size()).toBe(700);
    await ledger.close();
    await writer.close();
    const latest = store.checkpoints.latest()!;
    expect(latest.treeSize).toBe(700);
    expect(Buffer.from(rootAt(nodeCrypto, 700, store.log))).toEqual(Buffer.from(latest.rootHash));
    const report = auditLedger(store, { crypto: nodeCrypto });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    store.close();
  });

  it('refuses to start on a file it cannot open as a database', async () => {
    await expect(ThreadBatchWriter.start(path.join(t.dir, 'no', 'such', 'dir', 'x.db'))).rejects.toBeInstanceOf(StoreError);
  });

  it('reports a thread that died: a write in flight settles (written or refused, never left hanging), later ones are refused, and health says why', async () => {
    const store = Store.open(file);
    const writer = await ThreadBatchWriter.start(file);
    const ledger = Ledger.open({ store, signer: testSigner(), crypto: nodeCrypto, settings: TEST_SETTINGS, writer });
    await ledger.append('ci', [record(1)]);
    const worker = (writer as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const batch: WriteBatch = { rows: [], nodes: [], keys: [] };
    const inFlight = writer.write(batch).then(() => 'written', (err: StoreError) => err.code);
    await worker.terminate();
    expect(['written', 'UNAVAILABLE']).toContain(await inFlight);
    await expect(ledger.append('ci', [record(3)])).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(ledger.health().writerFailure).toMatch(/writer thread stopped/);
    await ledger.close();
    store.close();
  });
});
