/** `GET /v1/monitor?controlId=`: what is overdue now (src/reports/monitor.ts), with the entries behind each item. */
import { toHex } from '../crypto/bytes.js';
import { decodeLeaf, formatTimestamp, type EntryEnvelope } from '../evidence/index.js';
import { MonitorBuilder, type MonitorItem } from '../reports/index.js';
import { LedgerError } from './errors.js';
import type { Ledger } from './ledger.js';
import { eachRow, reportEntryOf, ReportService } from './reports.js';

export interface MonitorView {
  controlId: string;
  asOf: string;
  anchor: { treeSize: number; rootHash: string };
  definition: number | null;
  items: (Omit<MonitorItem, 'entries'> & { entries: { index: number; leafHash: string; entry: EntryEnvelope | null }[] })[];
}

export async function monitorControl(ledger: Ledger, controlId: string): Promise<MonitorView> {
  const latest = ledger.checkpointToServe() ?? ledger.checkpointToServe('signed');
  if (!latest) throw new LedgerError('NO_CHECKPOINT', 'no checkpoint has been signed yet; retry in a moment');
  const now = ledger.clock();
  const anchor = { treeSize: latest.treeSize, rootHash: toHex(latest.rootHash) };
  const scope = { period: '', controlId, provisional: true, startMs: now, asOfMs: now, anchor, firstIndex: latest.treeSize };
  const { definition } = await new ReportService(ledger).definition(scope);
  const builder = new MonitorBuilder(definition?.tests, now);
  await eachRow(ledger.store, { controlId }, 0, latest.treeSize, (row) => builder.add(reportEntryOf(row)));
  const items = builder.items().map((item) => ({
    ...item,
    entries: item.entries.map((index) => {
      const row = ledger.store.log.entry(index)!;
      return { index, leafHash: toHex(row.leafHash), entry: row.leaf.length ? decodeLeaf(row.leaf) : null };
    }),
  }));
  return { controlId, asOf: formatTimestamp(now), anchor, definition: definition?.index ?? null, items };
}
