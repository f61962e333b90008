/**
 * The steps of one crash-harness cycle that talk to the restarted server or run the ledger's
 * audit: retries of unacknowledged requests, checkpoints seen by a client, a consistency proof
 * across the restart.
 */
import { nodeCrypto } from '../src/crypto/node.js';
import { parseVerifierKey as parseLedgerKey } from '../src/note/index.js';
import { auditLedger } from '../src/ledger/audit.js';
import { Store } from '../src/store/index.js';
import type { LogChecker } from './harness-check.js';
import { consistencyHolds, openCheckpointNote, parseVerifierKey } from './harness-oracle.js';
import { send, type HarnessRequest } from './harness-writers.js';

export interface RetryTally {
  /** Unacknowledged requests that were in the log after all: the retry must answer 200 with them. */
  present: number;
  /** Unacknowledged requests that were not: the retry must append them (201). */
  absent: number;
  /** Acknowledged requests sent again: 200 with the very same entries. */
  replayedAcked: number;
}

/** How often a client polls the latest checkpoint while writers run. */
const OBSERVE_EVERY_MS = 5;

/**
 * Sends each request again with its Idempotency-Key. Returns the ones still unacknowledged;
 * newly acknowledged ones are pushed to `newlyAcked` for the next check.
 */
export async function retryPending(
  url: string,
  tokens: readonly string[],
  requests: readonly HarnessRequest[],
  checker: LogChecker,
  newlyAcked: HarnessRequest[],
  tally: RetryTally,
  findings: string[],
): Promise<HarnessRequest[]> {
  const still: HarnessRequest[] = [];
  await Promise.all(
    requests.map(async (req) => {
      const storedAt = checker.indexOf(req.markers[0]!);
      const out = await send(url, tokens[req.writer]!, req);
      if (out.status === 'unacknowledged') return void still.push(req);
      if (out.status === 'unexpected') return void findings.push(`retry of request ${req.id}: ${out.why}`);
      const first = out.entries[0]!;
      if (req.acked) {
        const same = out.replayed && out.entries.every((e, i) => e.index === req.acked![i]!.index && e.leafHash === req.acked![i]!.leafHash);
        if (!same) findings.push(`acknowledged request ${req.id} sent again did not replay its entries`);
        tally.replayedAcked++;
        return;
      }
      if (storedAt !== undefined) {
        tally.present++;
        if (!out.replayed || first.index !== storedAt || first.leafHash !== checker.leafHashHex(storedAt)) {
          findings.push(`retry of stored request ${req.id} answered ${out.replayed ? 200 : 201} index ${first.index}, stored at ${storedAt}`);
        }
      } else {
        tally.absent++;
        if (out.replayed) findings.push(`retry of request ${req.id}, which is not in the log, claims a replay`);
      }
      req.acked = out.entries;
      newlyAcked.push(req);
    }),
  );
  return still;
}

/** Polls GET /v1/checkpoint until stopped, collecting every distinct note a client was served. */
export function observeCheckpoints(url: string, notes: Set<string>): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${url}/v1/checkpoint`);
        const text = await res.text();
        if (res.status === 200) notes.add(text);
      } catch {
        return; // the server is gone
      }
      await new Promise((r) => setTimeout(r, OBSERVE_EVERY_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * The newest checkpoint a client saw before the kill and the one served after the restart must
 * be consistent (RFC 9162 §2.1.4), proven with a proof from the restarted server.
 */
export async function checkConsistencyAcrossRestart(
  url: string,
  before: string | undefined,
  verifierKey: string,
): Promise<{ verified: number; findings: string[] }> {
  if (!before) return { verified: 0, findings: [] };
  const key = parseVerifierKey(verifierKey);
  const old = openCheckpointNote(before, key);
  const now = openCheckpointNote(await (await fetch(`${url}/v1/checkpoint`)).text(), key);
  if (now.size < old.size) return { verified: 0, findings: [`after restart the log has ${now.size} signed entries, a client saw ${old.size}`] };
  const res = await fetch(`${url}/v1/proofs/consistency?from=${old.size}&to=${now.size}`);
  const body = (await res.json()) as { proof?: string[] };
  const proof = (body.proof ?? []).map((h) => Buffer.from(h, 'hex'));
  if (res.status !== 200 || !consistencyHolds(old.size, now.size, old.root, now.root, proof)) {
    return { verified: 0, findings: [`checkpoints ${old.size} (before the kill) and ${now.size} (after) are not consistent`] };
  }
  return { verified: 1, findings: [] };
}

/** The ledger's own audit of the killed database (read-only); undefined when it passes. */
export function auditDatabase(dbFile: string, verifierKey: string): string | undefined {
  const store = Store.open(dbFile, { readonly: true });
  try {
    const report = auditLedger(store, { crypto: nodeCrypto, key: parseLedgerKey(nodeCrypto, verifierKey) });
    return report.ok ? undefined : `${report.findingCount} findings: ${report.findings.map((f) => `${f.code} ${f.message}`).join('; ')}`;
  } finally {
    store.close();
  }
}
