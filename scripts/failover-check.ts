/**
 * What the failover harness checks at the end, reading the PostgreSQL database directly (not
 * through the ledger's code) and recomputing with its own oracle (harness-oracle.ts):
 * - indexes dense from 0, each leaf hashes to its stored leaf_hash, `index` and `prev` chain every
 *   entry to the one before, `receivedAt` never decreases, no record (marker) twice;
 * - every acknowledged record sits at the index and with the leaf hash it was answered with;
 * - every signed checkpoint verifies with the key and its root is the recomputed root of that
 *   prefix of the one log (so any two are consistent), and consistency proofs the instances serve
 *   between distinct stored sizes verify;
 * - leadership terms only grow.
 */
import pg from 'pg';
import { PrefixRoots, consistencyHolds, leafHashOf, openCheckpointNote, type OracleKey } from './harness-oracle.js';
import type { Acknowledgement } from './failover-client.js';
import type { Rng } from './harness-rng.js';

const ZERO_HASH_HEX = '0'.repeat(64);
/** Served consistency proofs checked: every pair when there are at most this many sizes, else a sample. */
const ALL_PAIRS_UP_TO = 40;
const SAMPLED_PAIRS = 400;

export interface FailoverCheck {
  size: number;
  checkpoints: number;
  consistencyPairsVerified: number;
  terms: number;
  findings: string[];
}

/** `serveUrl`: an instance whose served consistency proofs are checked too (none: the database only). */
export async function checkFailoverLog(
  databaseUrl: string,
  serveUrl: string | undefined,
  key: OracleKey,
  acks: readonly Pick<Acknowledgement, 'req' | 'entries'>[],
  rng: Rng,
): Promise<FailoverCheck> {
  const findings: string[] = [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const checkpoints = (await client.query<{ tree_size: string; root_hash: Buffer; note: string }>('SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size')).rows;
    const wanted = new Set(checkpoints.map((r) => Number(r.tree_size)));
    const { leafHashes, roots } = await checkEntries(client, wanted, findings);
    const markers = await markerIndex(client);
    await client.query('COMMIT');
    for (const a of acks) {
      a.entries.forEach((e, i) => {
        const marker = a.req.markers[i]!;
        if (markers.get(marker) !== e.index) findings.push(`acknowledged record ${marker} was answered index ${e.index} but sits at ${markers.get(marker) ?? 'nowhere'}`);
        else if (leafHashes[e.index]!.toString('hex') !== e.leafHash) findings.push(`acknowledged record ${marker}: leaf hash differs from the answer`);
      });
    }
    const verified = new Map<number, Buffer>();
    for (const row of checkpoints) {
      const size = Number(row.tree_size);
      try {
        const cp = openCheckpointNote(row.note, key);
        const root = roots.get(size);
        if (cp.size !== size) findings.push(`checkpoint row ${size} holds a note for size ${cp.size}`);
        else if (!root) findings.push(`checkpoint at size ${size} is beyond the log (${leafHashes.length} entries)`);
        else if (!cp.root.equals(root) || !row.root_hash.equals(root)) findings.push(`checkpoint at size ${size}: its root is not the root of the first ${size} entries`);
        else verified.set(size, root);
      } catch (err) {
        findings.push(`checkpoint at size ${size}: ${(err as Error).message}`);
      }
    }
    const consistencyPairsVerified = serveUrl ? await checkServedConsistency(serveUrl, verified, rng, findings) : 0;
    const terms = (await client.query<{ term: string }>('SELECT term FROM leader_terms ORDER BY started_at, term')).rows.map((r) => Number(r.term));
    if (terms.some((t, i) => i > 0 && t <= terms[i - 1]!)) findings.push(`leadership terms did not only grow: ${terms.join(',')}`);
    return { size: leafHashes.length, checkpoints: checkpoints.length, consistencyPairsVerified, terms: terms.length, findings };
  } finally {
    await client.end();
  }
}

async function checkEntries(client: pg.Client, wanted: Set<number>, findings: string[]): Promise<{ leafHashes: Buffer[]; roots: Map<number, Buffer> }> {
  const leafHashes: Buffer[] = [];
  const roots = new Map<number, Buffer>();
  const prefix = new PrefixRoots();
  if (wanted.has(0)) roots.set(0, prefix.root());
  let lastReceivedAt = '';
  const rows = (await client.query<{ idx: string; leaf: Buffer; leaf_hash: Buffer }>('SELECT idx, leaf, leaf_hash FROM entries ORDER BY idx')).rows;
  for (const r of rows) {
    const index = leafHashes.length;
    if (Number(r.idx) !== index) {
      findings.push(`indexes are not dense: expected ${index}, found ${r.idx}`);
      break;
    }
    const hash = leafHashOf(r.leaf);
    if (!hash.equals(r.leaf_hash)) findings.push(`entry ${index}: leaf_hash is not SHA-256(0x00 || leaf)`);
    const env = JSON.parse(r.leaf.toString('utf8')) as { index: number; prev: string; receivedAt: string };
    const prev = index === 0 ? ZERO_HASH_HEX : leafHashes[index - 1]!.toString('hex');
    if (env.index !== index || env.prev !== prev) findings.push(`entry ${index}: index or prev does not chain to entry ${index - 1}`);
    if (env.receivedAt < lastReceivedAt) findings.push(`entry ${index}: receivedAt ${env.receivedAt} < ${lastReceivedAt}`);
    lastReceivedAt = env.receivedAt;
    leafHashes.push(hash);
    prefix.add(hash);
    if (wanted.has(leafHashes.length)) roots.set(leafHashes.length, prefix.root());
  }
  return { leafHashes, roots };
}

/** Marker (the record's subject id) to index; a marker present twice is a finding. */
async function markerIndex(client: pg.Client): Promise<Map<string, number>> {
  const markers = new Map<string, number>();
  const rows = (await client.query<{ idx: string; subject_id: string }>('SELECT idx, subject_id FROM entries ORDER BY idx')).rows;
  for (const r of rows) {
    // Only the harness's records: the ledger's own access records have subjects of their own.
    if (!r.subject_id.startsWith('hr-')) continue;
    if (markers.has(r.subject_id)) markers.set(r.subject_id, -1);
    else markers.set(r.subject_id, Number(r.idx));
  }
  return markers;
}

/** Consistency proofs served between distinct verified sizes (all pairs, or consecutive ones plus a sample). */
async function checkServedConsistency(serveUrl: string, verified: Map<number, Buffer>, rng: Rng, findings: string[]): Promise<number> {
  const sizes = [...verified.keys()].filter((s) => s > 0).sort((a, b) => a - b);
  const pairs: [number, number][] = [];
  if (sizes.length <= ALL_PAIRS_UP_TO) {
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) pairs.push([sizes[i]!, sizes[j]!]);
  } else {
    for (let i = 1; i < sizes.length; i++) pairs.push([sizes[i - 1]!, sizes[i]!]);
    for (let k = 0; k < SAMPLED_PAIRS; k++) {
      const [a, b] = [sizes[rng.int(sizes.length)]!, sizes[rng.int(sizes.length)]!];
      if (a !== b) pairs.push(a < b ? [a, b] : [b, a]);
    }
  }
  let ok = 0;
  for (const [m, n] of pairs) {
    const res = await fetch(`${serveUrl}/v1/proofs/consistency?from=${m}&to=${n}`);
    const body = (await res.json()) as { proof?: string[] };
    const proof = (body.proof ?? []).map((h) => Buffer.from(h, 'hex'));
    if (res.status === 200 && consistencyHolds(m, n, verified.get(m)!, verified.get(n)!, proof)) ok++;
    else findings.push(`checkpoints ${m} and ${n}: the served consistency proof does not verify (status ${res.status})`);
  }
  return ok;
}
