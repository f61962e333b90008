/**
 * The zod shapes of what the API answers, for the OpenAPI document (document.ts). Requests are
 * described by the very schemas that validate them (evidence/record.ts, routes/tokens.ts); these
 * answer shapes mirror the TypeScript types the routes build (entry-view.ts, proofs.ts,
 * period-closer.ts, problem.ts), and the API tests validate every answer against them.
 */
import { z } from 'zod';
import { PERIOD_KINDS, envelopeSchema, evidenceRecordSchema } from '../../evidence/index.js';
import { RULES } from '../../reports/types.js';
import { tokenRequest } from '../routes/tokens.js';
import { ROLES } from '../tokens.js';

const hashHex = z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'A SHA-256 hash, 64 lowercase hex digits.' });
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const index = z.int().min(0);
const timestamp = z.string().meta({ description: 'RFC 3339 UTC time.' });

/** Every named shape, registered under its component name (#/components/schemas/<id>). */
export const components = z.registry<{ id: string }>();
const named = <T extends z.ZodType>(id: string, schema: T): T => {
  components.add(schema, { id });
  return schema;
};

export const EvidenceRecord = named('EvidenceRecord', evidenceRecordSchema);
export const EntryEnvelope = named('EntryEnvelope', envelopeSchema);

export const Problem = named(
  'Problem',
  z
    .strictObject({
      type: z.string().meta({ description: 'about:blank, or a urn:evidence-ledger:problem:<code> URN.' }),
      title: z.string(),
      status: z.int().min(400).max(599),
      detail: z.string(),
      instance: z.string().meta({ description: 'The request path.' }),
      field: z.string().optional().meta({ description: 'The request field the problem is about (parameter name or path into the body).' }),
      errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
      leader: z.string().optional().meta({ description: 'not-leader: the URL of the instance that takes writes now, when it advertised one.' }),
    })
    .meta({ description: 'RFC 9457 problem details.' }),
);

export const AppendedEntry = named(
  'AppendedEntry',
  z.strictObject({
    index,
    leafHash: hashHex.meta({ description: 'SHA-256(0x00 || leaf), RFC 9162 §2.1.1.' }),
    leaf: base64.meta({ description: 'base64 of the exact leaf bytes: RFC 8785 canonical JSON of entry.' }),
    entry: EntryEnvelope,
  }),
);

export const AppendedBatch = named('AppendedBatch', z.strictObject({ entries: z.array(AppendedEntry).min(1) }));

export const BatchRequest = named(
  'BatchRequest',
  z.strictObject({ records: z.array(EvidenceRecord).min(1).max(1000) }).meta({ description: 'All records are appended or none.' }),
);

export const EntryView = named(
  'EntryView',
  z.strictObject({
    index,
    leafHash: hashHex,
    leaf: base64,
    entry: EntryEnvelope,
    late: z.boolean().meta({ description: 'occurredAt lies in an earlier fiscal quarter than receivedAt.' }),
  }),
);

export const RedactedEntry = named(
  'RedactedEntry',
  z
    .strictObject({
      index,
      leafHash: hashHex,
      redacted: z.strictObject({ by: index.meta({ description: 'The index of the redaction entry that removed the leaf.' }) }),
    })
    .meta({ description: 'Contract, "Redaction": an entry whose leaf bytes were removed; its index and leaf hash (and every proof) remain.' }),
);

/** An entry as reads answer it: whole, or by hash only once redacted. */
export const EntryOrRedacted = named('EntryOrRedacted', z.union([EntryView, RedactedEntry]));

export const EntryList = named(
  'EntryList',
  z.strictObject({
    entries: z.array(EntryOrRedacted),
    next: index.nullable().meta({ description: 'Pass as `after` for the next page; null at the end.' }),
  }),
);

export const InclusionProof = named(
  'InclusionProof',
  z.strictObject({ index, treeSize: z.int().min(1), leafHash: hashHex, proof: z.array(hashHex) }).meta({ description: 'RFC 9162 §2.1.3.' }),
);

export const ConsistencyProof = named(
  'ConsistencyProof',
  z.strictObject({ from: index, to: index, proof: z.array(hashHex) }).meta({ description: 'RFC 9162 §2.1.4.' }),
);

export const LogKey = named(
  'LogKey',
  z.strictObject({
    origin: z.string(),
    verifierKey: z.string().meta({ description: 'C2SP signed-note verifier key.' }),
    publicKey: base64.meta({ description: 'The raw 32-byte Ed25519 public key.' }),
  }),
);

const periodSummary = { period: z.string(), start: timestamp, end: timestamp, treeSize: index };

export const PeriodList = named('PeriodList', z.strictObject({ periods: z.array(z.strictObject(periodSummary)) }));

export const CloseWitnessing = named(
  'CloseWitnessing',
  z
    .union([
      z.strictObject({ quorum: z.literal(true), treeSize: index, checkpoint: z.string(), consistency: z.array(hashHex) }),
      z.strictObject({ quorum: z.literal(false), missing: z.array(z.string()), reason: z.string() }),
    ])
    .meta({ description: 'With a witness policy: the first checkpoint at or after the close that meets the quorum (and the consistency proof to it), or who has not cosigned yet.' }),
);

export const PeriodClose = named(
  'PeriodClose',
  z.strictObject({
    ...periodSummary,
    checkpoint: z.string().meta({ description: 'The signed checkpoint note at treeSize (with the cosignature lines held).' }),
    previous: z.strictObject({ period: z.string(), treeSize: index, consistency: z.array(hashHex) }).nullable(),
    witnessed: CloseWitnessing.optional(),
    provisional: z.literal(true).optional().meta({ description: 'Contract version 1.1: the period is still open; the answer is anchored at the latest checkpoint.' }),
  }),
);

export const WitnessingHealth = named(
  'WitnessingHealth',
  z.strictObject({
    quorum: z.string(),
    witnessedTreeSize: index,
    closesPending: index,
    oldestPendingClose: z.string().optional(),
    witnesses: z.array(
      z.strictObject({
        name: z.string(),
        url: z.string(),
        cosignedTreeSize: index,
        lastSuccessAt: z.string().optional(),
        lastError: z.string().optional(),
        conflict: z.string().optional(),
      }),
    ),
    conflict: z.string().optional(),
  }),
);

export const Liveness = named('Liveness', z.strictObject({ status: z.literal('ok') }));

export const Readiness = named(
  'Readiness',
  z.strictObject({
    status: z.enum(['ready', 'not ready']),
    database: z.string().meta({ description: '"writable" (a follower: "readable"), or why the probe failed.' }),
    role: z.enum(['leader', 'follower']).meta({ description: 'The sequencer, or a follower serving reads (writes answer 503 not-leader).' }),
    term: index.optional().meta({ description: 'The leadership term (PostgreSQL: leader_terms), when one is recorded.' }),
    leader: z.string().optional().meta({ description: 'A follower: the URL the leader advertised (LEDGER_ADVERTISE_URL).' }),
    treeSize: index,
    signedTreeSize: index,
    queued: index,
    searchIndexedThrough: index,
    searchLag: index,
    signing: z.enum(['ok', 'halted']),
    haltReason: z.string().optional(),
    lastTickError: z.string().optional(),
    witnessing: WitnessingHealth.optional(),
    preparation: z
      .strictObject({ threads: index, wanted: index, lastError: z.string().optional() })
      .optional()
      .meta({ description: 'The preparation threads (LEDGER_PREPARE_THREADS): running, wanted, and the last failure.' }),
    stale: z.string().optional(),
  }),
);

export const TokenRequest = named('TokenRequest', tokenRequest);

export const IssuedToken = named(
  'IssuedToken',
  z.strictObject({
    id: z.string(),
    token: z.string().meta({ description: 'Shown once; only its hash is stored.' }),
    role: z.enum(ROLES),
    source: z.string(),
    expiresAt: timestamp.nullable(),
  }),
);

export const PeriodKindSchema = z.enum(PERIOD_KINDS as unknown as [string, ...string[]]);

export const AppendedRedaction = named(
  'AppendedRedaction',
  z.strictObject({
    index,
    leafHash: hashHex,
    leaf: base64,
    entry: EntryEnvelope,
    redaction: z.strictObject({
      target: index.meta({ description: 'The entry to redact.' }),
      approvals: index.meta({ description: 'Distinct admins who have asked so far.' }),
      required: index.meta({ description: 'LEDGER_REDACTION_APPROVALS.' }),
      applied: z.boolean().meta({ description: "Whether the target's leaf bytes were removed by this request." }),
    }),
  }),
);


const reportAnchor = z.strictObject({ treeSize: index, rootHash: hashHex });
const reportResult = z.enum(['undefined', 'exceptions', 'no_evidence', 'effective']);

export const ControlReport = named(
  'ControlReport',
  z
    .strictObject({
      v: z.literal(1),
      period: z.string(),
      controlId: z.string(),
      provisional: z.boolean(),
      asOf: timestamp,
      anchor: reportAnchor,
      definition: index.nullable().meta({ description: "The index of the control's definition entry, or null." }),
      population: z.strictObject({ count: index, byType: z.record(z.string(), index) }),
      exceptions: z.array(
        z.strictObject({
          rule: z.enum(RULES),
          index,
          credentialId: z.string().optional(),
          exceptionId: z.string().optional(),
          due: timestamp.optional(),
        }),
      ),
      result: reportResult,
    })
    .meta({ description: 'Contract, "Control reports (version 1)": one control\'s report for a period.' }),
);

export const ReportSummary = named(
  'ReportSummary',
  z.strictObject({
    period: z.string(),
    provisional: z.boolean(),
    asOf: timestamp,
    anchor: reportAnchor,
    controls: z.array(
      z.strictObject({ controlId: z.string(), definition: index.nullable(), population: index, exceptions: index, result: reportResult }),
    ),
  }),
);

export const Sample = named(
  'Sample',
  z.strictObject({
    period: z.string(),
    controlId: z.string(),
    nonce: z.string(),
    size: index,
    anchor: reportAnchor,
    seed: z.string(),
    sample: z.array(z.strictObject({ index, leafHash: hashHex })),
  }),
);

export const MonitorView = named(
  'MonitorView',
  z.strictObject({
    controlId: z.string(),
    asOf: timestamp,
    anchor: reportAnchor,
    definition: index.nullable(),
    items: z.array(
      z.strictObject({
        rule: z.enum(['rotation_overdue', 'remediation_overdue', 'revocation_pending']),
        due: timestamp,
        credentialId: z.string().optional(),
        exceptionId: z.string().optional(),
        subject: z.string().optional(),
        entitlement: z.string().optional(),
        entries: z.array(z.strictObject({ index, leafHash: hashHex, entry: EntryEnvelope.nullable() })),
      }),
    ),
  }),
);
