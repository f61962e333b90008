/**
 * What the page does with a dropped file and a pasted key, without the DOM: tell an evidence
 * bundle from a C2SP tlog-proof or a signed checkpoint, and verify it with exactly the
 * src/verify calls behind `ledger verify`, `ledger verify-proof` and `ledger verify-checkpoint`,
 * so the page and the command give the same report for the same bytes. A bundle streams through
 * BundleStreamVerifier as the command streams it (flat memory, any JSON layout), handing the
 * thread back to the browser between slices so the progress bar is drawn. Pure: imports only
 * modules that run in a browser, and runs unchanged in Node for the tests.
 */
import type { Crypto } from '../src/crypto/types.js';
import { concatBytes } from '../src/crypto/bytes.js';
import { parseVerifierKey, parseWitnessPolicy, TLOG_PROOF_HEADER, type VerifierKey, type WitnessPolicy } from '../src/note/index.js';
import {
  BundleStreamVerifier,
  verifyCheckpointText,
  verifyTlogProofText,
  type BundleReport,
  type CheckpointVerdict,
  type EntryVerdict,
  type TlogProofReport,
  verifierKeyText,
} from '../src/verify/index.js';

/** Longest stretch of checking between two yields to the browser: one frame at 60 Hz. */
export const DEFAULT_SLICE_MS = 16;
/** Text handed to the bundle verifier at once, small enough that a slice overruns by little. */
export const PIECE_CHARS = 16 * 1024;
/** Bytes read before deciding what the input is: more than a tlog-proof header and a checkpoint's first two lines need. */
const SNIFF_BYTES = 1024;

export type InputKind = 'bundle' | 'tlog-proof' | 'checkpoint';

export type VerifyOutcome =
  | { kind: 'bundle'; report: BundleReport }
  | { kind: 'tlog-proof'; report: TlogProofReport }
  | { kind: 'checkpoint'; verdict: CheckpointVerdict };

/** An input the page refuses before verifying, as `ledger` refuses it with exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: 'file' | 'key' | 'fiscalYearStart' | 'policy',
    message: string,
  ) {
    super(message);
  }
}

/** How the slow loop shares the thread; tests pass a clock and a yield of their own. */
export interface Pacing {
  sliceMs: number;
  now(): number;
  yieldToBrowser(): Promise<void>;
}

export interface VerifyRequest {
  /** The file's bytes, in chunks as they are read. */
  chunks: AsyncIterable<Uint8Array>;
  /** The file's size, for progress. */
  totalBytes: number;
  key: string;
  /** A C2SP tlog-policy, as `--policy`: anchors must carry its quorum; an empty key is then the policy's one log. */
  policy?: string | undefined;
  /** Month 1-12 as the auditor knows it; undefined: the bundle's (as `--fiscal-year-start`). */
  fiscalYearStart?: number | undefined;
  /** Bytes verified so far, and the total. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

/**
 * The tlog-proof header (c2sp.org/tlog-proof) names a proof; an origin line then a decimal
 * tree size (c2sp.org/tlog-checkpoint) a checkpoint; anything else is read as a bundle, as
 * `ledger verify` reads it (broken JSON is then a bundle that does not verify).
 */
export function detectKind(start: string): InputKind {
  if (start.startsWith(`${TLOG_PROOF_HEADER}\n`)) return 'tlog-proof';
  if (/^[^\n{[]+\n\d+\n/.test(start)) return 'checkpoint';
  return 'bundle';
}

/** The auditor's key, read as `--key` reads it (the key, or GET /v1/key's JSON); a key that does not parse is refused, not verified against. */
export function readKey(c: Crypto, text: string): VerifierKey {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError('key', 'paste the ledger verifier key (name+hex8+base64)');
  try {
    return parseVerifierKey(c, verifierKeyText(trimmed));
  } catch (err) {
    throw new InputError('key', `not a verifier key: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The auditor's witness policy, read as `--policy` reads it; empty: none. */
export function readPolicy(c: Crypto, text: string | undefined): WitnessPolicy | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseWitnessPolicy(c, text);
  } catch (err) {
    throw new InputError('policy', `not a witness policy: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `--key`, or without it the policy's one log line, as the command decides. */
function readTrust(c: Crypto, keyText: string, policyText: string | undefined): { key: VerifierKey; policy?: WitnessPolicy } {
  const policy = readPolicy(c, policyText);
  if (!policy) return { key: readKey(c, keyText) };
  if (keyText.trim() !== '') {
    const key = readKey(c, keyText);
    // As `--key` with `--policy`: a policy that lists logs trusts only those (C2SP tlog-policy).
    if (policy.logs.length > 0 && !policy.logs.some((l) => l.key.name === key.name && l.key.keyHash === key.keyHash)) {
      throw new InputError('key', 'this key is not one of the logs of the witness policy');
    }
    return { key, policy };
  }
  if (policy.logs.length !== 1) throw new InputError('key', `the policy lists ${policy.logs.length} logs: paste the ledger verifier key too`);
  return { key: policy.logs[0]!.key, policy };
}

export function browserPacing(sliceMs = DEFAULT_SLICE_MS): Pacing {
  return {
    sliceMs,
    now: () => performance.now(),
    // A macrotask, so the browser may render the progress bar in between.
    yieldToBrowser: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}

/** Verifies the input the way the matching `ledger` command would; throws only {@link InputError}. */
export async function verifyInput(c: Crypto, req: VerifyRequest, pacing: Pacing): Promise<VerifyOutcome> {
  const { key, policy } = readTrust(c, req.key, req.policy);
  const fiscalYearStart = req.fiscalYearStart;
  if (fiscalYearStart !== undefined && !(Number.isInteger(fiscalYearStart) && fiscalYearStart >= 1 && fiscalYearStart <= 12)) {
    throw new InputError('fiscalYearStart', 'the fiscal year start must be a month number from 1 to 12');
  }
  const reader = req.chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES && !ended) {
    const next = await reader.next();
    if (next.done) ended = true;
    else {
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
  }
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => (ended ? emptyIterator() : reader) };
  const kind = detectKind(new TextDecoder().decode(concatBytes(...head)));
  if (kind === 'bundle') {
    return { kind, report: await verifyBundleStream(c, key, policy, fiscalYearStart, concatChunks(head, rest), req, pacing) };
  }
  const bytes = concatBytes(...head, ...(await collect(rest)));
  // As verify-proof, the proof's bytes go to the verifier as they are; verify-checkpoint wants UTF-8 text.
  if (kind === 'tlog-proof') return { kind, report: verifyTlogProofText(c, bytes, key, policy ? { policy } : {}) };
  let note: string;
  try {
    note = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('file', 'the checkpoint is not UTF-8 text');
  }
  return { kind, verdict: verifyCheckpointText(c, note, key, policy ? { policy } : {}) };
}

/** `ledger verify` on a stream of bytes: the same verifier fed the same text, in pieces. */
async function verifyBundleStream(
  c: Crypto,
  key: VerifierKey,
  policy: WitnessPolicy | undefined,
  fiscalYearStart: number | undefined,
  chunks: AsyncIterable<Uint8Array>,
  req: VerifyRequest,
  pacing: Pacing,
): Promise<BundleReport> {
  const entries: EntryVerdict[] = [];
  const options = { ...(fiscalYearStart === undefined ? {} : { fiscalYearStart }), ...(policy ? { policy } : {}) };
  const verifier = new BundleStreamVerifier(c, key, options, (v) => entries.push(v));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let done = 0;
  let sliceStart = pacing.now();
  const feed = async (text: string) => {
    for (let at = 0; at < text.length; at += PIECE_CHARS) {
      verifier.write(text.slice(at, at + PIECE_CHARS));
      if (pacing.now() - sliceStart >= pacing.sliceMs) {
        await pacing.yieldToBrowser();
        sliceStart = pacing.now();
      }
    }
  };
  try {
    for await (const chunk of chunks) {
      await feed(decoder.decode(chunk, { stream: true }));
      done += chunk.byteLength;
      req.onProgress?.(done, req.totalBytes);
    }
    await feed(decoder.decode());
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    verifier.abort('it is not UTF-8 text');
  }
  // Members in the order `ledger verify --json` prints them: entries first, as they stream.
  return { entries, ...verifier.end() };
}

async function* concatChunks(first: Uint8Array[], rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* first;
  yield* rest;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

function emptyIterator(): AsyncIterator<Uint8Array> {
  return { next: async () => ({ done: true, value: undefined }) };
}

/** A browser File (or any Blob) as chunks, read as the verifier asks for them. */
export async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
