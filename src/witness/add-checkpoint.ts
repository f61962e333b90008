/**
 * C2SP tlog-witness v1.0.0 §add-checkpoint, the witness's one write:
 *
 *   old <size>\n
 *   [<base64 consistency proof hash>\n]{0,63}
 *   \n
 *   <signed checkpoint note>
 *
 * Answers, in the spec's order: 400 malformed; 404 unknown origin; 403 no valid signature from
 * a trusted log key; 400 old size above the checkpoint's; 409 (text/x.tlog.size, the size last
 * cosigned) when the old size is not that size, or when the sizes are equal and the roots differ;
 * 422 when the RFC 6962 §2.1.2 consistency proof fails; 200 with our cosignature line.
 * The check and the update of the stored head are one atomic, durable step (witness-state.ts).
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, fromBase64, toBase64 } from '../crypto/bytes.js';
import { verifyConsistency } from '../merkle/index.js';
import { NoteError, cosignCheckpoint, openCheckpoint, parseCheckpoint, splitSignedNote, type SignerKey, type VerifierKey } from '../note/index.js';
import { decodeStrictUtf8, parseCanonicalDecimal } from '../note/text.js';
import type { LogHead, WitnessState } from './witness-state.js';

/** tlog-witness: a client MUST NOT send more than 63 consistency proof lines. */
export const MAX_PROOF_LINES = 63;
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
  /** For the witness's own log: what happened, in a few words. */
  reason: string;
  origin?: string;
  treeSize?: number;
}

export interface WitnessDeps {
  c: Crypto;
  signer: SignerKey;
  /** Trusted log keys by origin (their key name). */
  logs: ReadonlyMap<string, readonly VerifierKey[]>;
  state: WitnessState;
  /** POSIX seconds, for the cosignature timestamp. */
  now: () => number;
}

const text = (status: WitnessAnswer['status'], reason: string, extra: Partial<WitnessAnswer> = {}): WitnessAnswer => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body: `${reason}\n`,
  reason,
  ...extra,
});

const conflict = (knownSize: number, reason: string, origin: string, treeSize: number): WitnessAnswer => ({
  status: 409,
  contentType: TLOG_SIZE_CONTENT_TYPE,
  body: `${knownSize}\n`,
  reason,
  origin,
  treeSize,
});

interface ParsedRequest {
  oldSize: number;
  proof: Uint8Array[];
  note: string;
}

function parseRequest(bytes: Uint8Array): ParsedRequest | string {
  const body = decodeStrictUtf8(bytes);
  if (body === undefined) return 'the body is not UTF-8';
  const split = body.indexOf('\n\n');
  if (split < 0) return 'missing the empty line before the checkpoint';
  const [oldLine, ...proofLines] = body.slice(0, split).split('\n') as [string, ...string[]];
  if (!oldLine.startsWith('old ')) return 'the first line must be "old <size>"';
  const old = parseCanonicalDecimal(oldLine.slice(4));
  if (!old.ok) return 'the old size is not a decimal number without leading zeroes';
  if (proofLines.length > MAX_PROOF_LINES) return `more than ${MAX_PROOF_LINES} consistency proof lines`;
  const proof: Uint8Array[] = [];
  for (const line of proofLines) {
    const hash = fromBase64(line);
    if (hash?.length !== 32) return `consistency proof line ${proof.length + 1} is not a base64 32-byte hash`;
    proof.push(hash);
  }
  if (old.value === 0 && proof.length > 0) return 'the consistency proof must be empty when the old size is 0';
  return { oldSize: old.value, proof, note: body.slice(split + 2) };
}

/** The stored note: the checkpoint body, the log's verified signatures, then our cosignature. */
function noteToKeep(body: string, logLines: readonly { name: string; signature: string }[], cosignature: string): string {
  return `${body}\n${logLines.map((s) => `\u2014 ${s.name} ${s.signature}\n`).join('')}${cosignature}`;
}

export function addCheckpoint(deps: WitnessDeps, bytes: Uint8Array): WitnessAnswer {
  const req = parseRequest(bytes);
  if (typeof req === 'string') return text(400, req);
  // The note's layout first, so a body without a checkpoint is a 400, not an "unknown origin" 404.
  let origin: string;
  try {
    origin = parseCheckpoint(splitSignedNote(req.note).text).origin;
  } catch (err) {
    return text(400, `not a signed checkpoint: ${(err as Error).message}`);
  }
  const keys = deps.logs.get(origin);
  if (!keys) return text(404, `unknown log origin ${JSON.stringify(origin)}`);
  let opened;
  try {
    opened = openCheckpoint(deps.c, req.note, [...keys], { expectedOrigin: origin });
  } catch (err) {
    const code = err instanceof NoteError ? err.code : '';
    if (code === 'NO_KNOWN_SIGNATURE' || code === 'BAD_SIGNATURE') return text(403, `no valid signature from a trusted key of ${origin}`, { origin });
    return text(400, `not a signed checkpoint: ${(err as Error).message}`, { origin });
  }
  const cp = opened.checkpoint;
  if (req.oldSize > cp.size) return text(400, `old size ${req.oldSize} is larger than the checkpoint size ${cp.size}`, { origin, treeSize: cp.size });

  // Proof checks against the stored head happen inside the transaction, with the head it reads;
  // only once they pass is the cosignature made. Its time never goes back below the last one's
  // (a clock stepped back): tlog-cosignature reads it as "as of this time, the largest tree I saw".
  let cosignature = '';
  const next = (known: LogHead | undefined): LogHead => {
    const timestamp = Math.max(deps.now(), known?.cosignedAt ?? 0);
    cosignature = cosignCheckpoint(deps.c, opened.note.text, deps.signer, timestamp);
    return { origin, treeSize: cp.size, rootHash: cp.rootHash, note: noteToKeep(opened.note.text, opened.note.verified, cosignature), cosignedAt: timestamp };
  };
  const refusal = deps.state.compareAndSet<WitnessAnswer>(origin, (known) => {
    const knownSize = known?.treeSize ?? 0;
    if (req.oldSize !== knownSize) return conflict(knownSize, `old size ${req.oldSize} is not the size last cosigned, ${knownSize}`, origin, cp.size);
    if (!known || knownSize === 0) return undefined;
    if (cp.size === knownSize) {
      return bytesEqual(cp.rootHash, known.rootHash)
        ? undefined
        : conflict(knownSize, `size ${cp.size} was cosigned with root ${toBase64(known.rootHash)}, not ${toBase64(cp.rootHash)}: the log forked`, origin, cp.size);
    }
    const verdict = verifyConsistency(deps.c, { oldSize: knownSize, newSize: cp.size, oldRoot: known.rootHash, newRoot: cp.rootHash, proof: req.proof });
    if (!verdict.ok) {
      return text(422, `consistency proof ${knownSize} -> ${cp.size} does not verify against the cosigned root: ${verdict.reason}`, { origin, treeSize: cp.size });
    }
    return undefined;
  }, next);
  if (refusal) return refusal;
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: cosignature, reason: 'cosigned', origin, treeSize: cp.size };
}

