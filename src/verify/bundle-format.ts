/**
 * The evidence bundle, version 1: what `GET /v1/bundles` streams and `ledger verify` checks.
 * One JSON object; `entries` comes last so a producer can stream it and a reader can take it
 * entry by entry. The zod schemas here are the single definition: the verifier checks shapes
 * with them and `schemas/evidence-bundle.v1.schema.json` is generated from them.
 *
 * Only the two signed checkpoint notes are authenticated by the log's key; every other member
 * is a claim the verifier recomputes (leaf hashes, proofs, `late`, period bounds) or compares.
 */
import { z } from 'zod';

export const BUNDLE_FORMAT = 'evidence-ledger-bundle';
export const BUNDLE_VERSION = 1;

/** An inclusion path in a tree of at most 2^64 - 1 leaves has at most 64 hashes (RFC 9162 §2.1.3). */
export const MAX_PROOF_HASHES = 64;

/** Longest filter value a query may carry, as for the entry listing's filters. */
export const MAX_FILTER_LENGTH = 256;

const HEX_HASH = /^[0-9a-f]{64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const index = z.int().min(0).describe('A zero-based entry index or a tree size (below 2^53).');
const hexHash = z.string().regex(HEX_HASH).describe('A SHA-256 hash in lowercase hex.');
const proof = z.array(hexHash).max(MAX_PROOF_HASHES);
const filter = z.string().min(1).max(MAX_FILTER_LENGTH);

export const fullBundleEntrySchema = z
  .strictObject({
    index,
    leaf: z.string().min(1).regex(BASE64).describe('Standard base64 of the exact leaf bytes (RFC 8785 canonical JSON of the envelope).'),
    leafHash: hexHash.describe('SHA-256(0x00 || leaf), RFC 9162 §2.1.1.'),
    proof: proof.describe('RFC 9162 §2.1.3.1 inclusion path, leaf sibling first, against the tree this entry is proved in.'),
    late: z.boolean().describe('occurredAt lies in an earlier fiscal quarter than receivedAt (recomputed by the verifier).'),
  })
  .describe('One log entry with its inclusion proof.');

/** Contract, "Redaction": an entry whose leaf bytes were removed, carried by hash only. */
export const redactedBundleEntrySchema = z
  .strictObject({
    index,
    leafHash: hexHash.describe('The leaf hash the log committed to; the leaf bytes were removed by a redaction.'),
    redacted: z.strictObject({ by: index.describe('Index of the redaction entry that removed the leaf bytes.') }),
    proof: proof.describe('RFC 9162 §2.1.3.1 inclusion path of leafHash, against the tree this entry is proved in.'),
  })
  .describe('A redacted log entry: its leaf hash and inclusion proof, no leaf bytes.');

export const bundleEntrySchema = z
  .union([fullBundleEntrySchema, redactedBundleEntrySchema])
  .describe('One log entry with its inclusion proof, or a redacted one by hash only.');

export const bundleQuerySchema = z
  .strictObject({
    period: filter.optional(),
    controlId: filter.optional(),
    system: filter.optional(),
    actor: filter.optional().describe('actor.id'),
    subject: filter.optional().describe('subject.id'),
  })
  .describe('The filters the bundle was produced for.');

const treeRef = z.strictObject({
  treeSize: index,
  checkpoint: z.string().min(1).describe('A C2SP signed-note tlog-checkpoint, verbatim.'),
});

export const bundlePeriodSchema = z
  .strictObject({
    period: z.string().min(1).describe('Period id: 2026-Q3, 2026-09, 2026-09-30 or FY2026.'),
    start: z.string().describe('RFC 3339 UTC, inclusive.'),
    end: z.string().describe('RFC 3339 UTC, exclusive.'),
    treeSize: index.describe('Size of the period-close checkpoint: the entries received before `end`.'),
    firstIndex: index.describe('Index of the first entry received at or after `start`.'),
    before: bundleEntrySchema.nullable().describe('Entry firstIndex - 1, proved against the anchor: received before `start`.'),
    after: bundleEntrySchema.nullable().describe('Entry treeSize, proved against the latest checkpoint: received at or after `end`.'),
  })
  .describe('The reporting period whose close checkpoint is the anchor.');

const controlReportSchema = z.looseObject({}).describe('The control report (contract, "Control reports"), recomputed by the verifier and compared.');

export const shownHeadSchema = z.strictObject({
  position: index,
  controlId: z.string().min(1),
  count: index,
  chain: hexHash,
  proof,
});

/**
 * Present when the query is exactly a period and a control: then `entries` is the control's whole
 * history up to the anchor (from index 0, not only the period), which is what its report reads.
 */
export const bundleControlSchema = z
  .strictObject({
    definition: bundleEntrySchema.nullable().describe('The definition in force: the history\'s control entry with the greatest index.'),
    completeness: z
      .strictObject({ controls: index, heads: z.array(shownHeadSchema).max(2) })
      .describe("Heads of the anchor's control-heads tree proving the history complete (docs/completeness.md)."),
    report: controlReportSchema,
  })
  .describe("A control's report with what proves it.");

/** Everything but `entries`: what the verifier checks before the first entry. */
export const bundleHeadSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  generatedAt: z.string().describe('When the bundle was produced (informational; verification never uses it).'),
  origin: z.string().min(1).describe('The log origin, which is also its key name.'),
  verifierKey: z.string().min(1).describe('The log verifier key as the producer states it; the auditor supplies their own.'),
  fiscalYearStart: z.int().min(1).max(12).describe('First month of the fiscal year (LEDGER_FISCAL_YEAR_START).'),
  query: bundleQuerySchema,
  period: bundlePeriodSchema.nullable(),
  anchor: treeRef.describe('The checkpoint every entry is proved against: the period close, or the latest.'),
  latest: treeRef.describe('The latest signed checkpoint when the bundle was produced.'),
  consistency: z
    .strictObject({ from: index, to: index, proof })
    .describe('RFC 9162 §2.1.4.1 consistency proof from the anchor to the latest checkpoint (empty when equal).'),
  provisional: z
    .literal(true)
    .optional()
    .describe('The period is still open: anchored at the latest checkpoint, not a close (contract version 1.1).'),
  control: bundleControlSchema.optional(),
});

export const bundleSchema = bundleHeadSchema.extend({
  entries: z.array(bundleEntrySchema).describe('Matching entries below anchor.treeSize, by increasing index.'),
});

export type BundleEntry = z.infer<typeof bundleEntrySchema>;
export type FullBundleEntry = z.infer<typeof fullBundleEntrySchema>;
export type RedactedBundleEntry = z.infer<typeof redactedBundleEntrySchema>;
export type BundleQuery = z.infer<typeof bundleQuerySchema>;
export type BundlePeriod = z.infer<typeof bundlePeriodSchema>;
export type BundleHead = z.infer<typeof bundleHeadSchema>;
export type Bundle = z.infer<typeof bundleSchema>;
export type BundleControl = z.infer<typeof bundleControlSchema>;

/** Record filters of a query: when none is set, the bundle must hold every entry in its range. */
export const RECORD_FILTERS = ['controlId', 'system', 'actor', 'subject'] as const;

export function hasRecordFilters(query: BundleQuery): boolean {
  return RECORD_FILTERS.some((f) => query[f] !== undefined);
}
