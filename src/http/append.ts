/**
 * One append request, from its body bytes to its answer: prepared (parsed, validated,
 * canonicalised) by the preparer, sequenced and made durable by the ledger, answered as JSON
 * text. Shared by the express routes and the fast path in front of express (fast-append.ts).
 */
import type { Ledger } from '../ledger/ledger.js';
import { appendedJson } from '../ledger/entry-view.js';
import type { AppendResult as AppendOutcome, Metrics } from '../metrics/metrics.js';
import { mapDomainError } from './errors-map.js';
import type { BodyKind } from './prepare-body.js';
import type { BodyPreparer } from './prepare-pool.js';
import { HttpProblem, badRequest } from './problem.js';
import { checkSignatures } from './signed-submissions.js';
import { screenStoredString } from '../evidence/index.js';

/** Printable ASCII without spaces, like the IETF idempotency-key draft's examples; bounded. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface AppendAnswer {
  /** 201 for new entries, 200 for an idempotent replay */
  status: number;
  json: string;
}

/** Appends the records of `raw` for `source`; rejects with an HttpProblem or a domain error. */
export async function answerAppend(
  ledger: Ledger,
  preparer: BodyPreparer,
  source: string,
  raw: Uint8Array | undefined,
  kind: BodyKind,
  idempotencyHeader: string | undefined,
  signatureHeader?: string | undefined,
  metrics?: Metrics,
): Promise<AppendAnswer> {
  const started = metrics ? performance.now() : 0;
  try {
    const prepared = await preparer.prepare(raw, kind);
    // Redaction records are the ledger's own, appended by POST /v1/entries/{index}/redaction only.
    const redaction = prepared.findIndex((p) => p.record.type === 'redaction');
    if (redaction >= 0) {
      const field = kind === 'entry' ? 'type' : `records.${redaction}.type`;
      throw badRequest(`${field}: redaction records are appended only by POST /v1/entries/{index}/redaction (admin)`, field);
    }
    const key = idempotencyKey(idempotencyHeader);
    const records = prepared.map((p) => p.record);
    const signed = checkSignatures(ledger.sourceKey(source), source, records, signatureHeader);
    const result = await ledger.append(source, records, key, kind, signed);
    const json = kind === 'entry' ? appendedJson(result.entries[0]!) : `{"entries":[${result.entries.map(appendedJson).join(',')}]}`;
    metrics?.appendDone(kind, result.replayed ? 'replayed' : 'created', records.map((r) => r.type), (performance.now() - started) / 1000);
    return { status: result.replayed ? 200 : 201, json };
  } catch (err) {
    metrics?.appendDone(kind, outcomeOf(err), [], (performance.now() - started) / 1000);
    throw err;
  }
}

function outcomeOf(err: unknown): AppendOutcome {
  const status = err instanceof HttpProblem ? err.status : mapDomainError(err)?.status ?? 500;
  return status === 503 ? 'unavailable' : status < 500 ? 'client_error' : 'server_error';
}

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw badRequest('Idempotency-Key must be 1 to 255 printable ASCII characters without spaces', 'Idempotency-Key');
  }
  // Keys are stored beside the entries they produced: the same screen as every stored string.
  const secret = screenStoredString('Idempotency-Key', header);
  if (secret) throw badRequest(secret.message, 'Idempotency-Key', [secret]);
  return header;
}
