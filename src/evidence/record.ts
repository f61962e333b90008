/**
 * Evidence records, version 1 (contract, "Evidence records"): what posting systems send.
 * A discriminated union on `type`; every object is strict, so an unknown member is an error
 * (a typo in evidence must not pass silently) and anything extra belongs in `details`.
 *
 * Lengths count UTF-16 code units, as JavaScript strings do. Bounds not fixed by the
 * contract are ours, chosen to fit real identifiers with room to spare while keeping one
 * record far below the 1 MiB request limit (under 64 KiB of canonical JSON, `details` included).
 */
import { z } from 'zod';
import {
  MAX_DETAILS_BYTES,
  MAX_DETAILS_DEPTH,
  detailsProblems,
  isPlainObject,
  isWellFormedUnicode,
  type JsonObject,
} from './json-value.js';

export const EVIDENCE_TYPES = [
  'approval',
  'revocation',
  'rotation',
  'access_review',
  'credential_issuance',
  'privileged_session',
  'exception',
  'change',
  'redaction',
  'control',
] as const;

export const IDENTITY_KINDS = ['human', 'workload', 'service_account', 'api_key', 'system'] as const;

export const CREDENTIAL_TYPES = [
  'api_key',
  'oauth_token',
  'certificate',
  'ssh_key',
  'password',
  'workload_token',
  'other',
] as const;

/** Contract: `controlId` is 1–128. */
export const MAX_CONTROL_ID_LENGTH = 128;
/** Contract: `system` is 1–256. */
export const MAX_SYSTEM_LENGTH = 256;
/** Ours: identities, credential, session, change and ticket ids, fingerprints, environments. */
export const MAX_ID_LENGTH = 256;
/** Ours: entitlements can be long directory names (`CN=...,OU=...,DC=...`) or ARNs. */
export const MAX_ENTITLEMENT_LENGTH = 1024;
/** Ours: `recordingRef` is often a URL. */
export const MAX_REFERENCE_LENGTH = 2048;
/** Ours: a free-text `reason`, 4 KiB of UTF-16 code units. */
export const MAX_REASON_LENGTH = 4096;
/** Ours: times are kept to nanoseconds at most (`2026-09-14T02:00:00.123456789Z`). */
export const MAX_FRACTION_DIGITS = 9;

const LONE_SURROGATE = 'contains a lone UTF-16 surrogate, which is not valid Unicode';

/**
 * zod 4's `max` counts code points (a lone emoji is 1), the contract UTF-16 code units (2): the
 * refinement holds the contract's count, and `max` stays for the JSON Schema.
 */
export function utf16Max(max: number): (text: string) => boolean {
  // Past `max` code points zod has already said so; one problem per field.
  return (text) => text.length <= max || codePoints(text) > max;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function text(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine(isWellFormedUnicode, { message: LONE_SURROGATE })
    .refine(utf16Max(max), { message: `must be at most ${max} characters` });
}

/**
 * RFC 3339 §5.6 date-time with `Z` or a numeric offset; zod's pattern also checks that the
 * date exists (no February 30, leap years by the Gregorian rule). Upper-case `T` and `Z`
 * only, as §5.6's note allows; no leap second (`:60`), which JavaScript dates cannot hold.
 */
const TOO_PRECISE = new RegExp(`\\.\\d{${MAX_FRACTION_DIGITS + 1}}`);
const timestamp = z.iso.datetime({ offset: true }).refine((t) => !TOO_PRECISE.test(t), {
  message: `at most ${MAX_FRACTION_DIGITS} digits of fractional seconds`,
});

const identity = z.strictObject({
  id: text(MAX_ID_LENGTH),
  kind: z.enum(IDENTITY_KINDS),
});

/** Free-form JSON object; kept as the very object given (zod's record would drop a `__proto__` member). */
export const detailsSchema = z
  .custom<JsonObject>(isPlainObject, { message: 'expected a JSON object' })
  .superRefine((value, ctx) => {
    for (const p of detailsProblems(value)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  })
  .meta({
    description: `Free-form JSON object: at most ${MAX_DETAILS_BYTES} bytes as RFC 8785 canonical JSON, at most ${MAX_DETAILS_DEPTH} levels deep (details itself is level 1), finite numbers, integers within ±(2^53-1), no member named __proto__.`,
  });

const common = {
  controlId: text(MAX_CONTROL_ID_LENGTH).meta({ description: 'The SOX control this evidences, e.g. ITGC-AC-04.' }),
  system: text(MAX_SYSTEM_LENGTH).meta({ description: 'The SOX-relevant system, e.g. sap-fi-prod.' }),
  actor: identity.meta({ description: 'Who or what performed the action.' }),
  subject: identity.meta({ description: 'The identity whose access or credential it concerns.' }),
  occurredAt: timestamp.meta({ description: "When it happened, by the submitter's clock." }),
  ticket: text(MAX_ID_LENGTH).optional().meta({ description: 'Change, request or incident reference.' }),
  details: detailsSchema.optional(),
};

const id = () => text(MAX_ID_LENGTH);

export const approvalSchema = z.strictObject({
  type: z.literal('approval'),
  ...common,
  entitlement: text(MAX_ENTITLEMENT_LENGTH),
  decision: z.enum(['approved', 'rejected']),
  expiresAt: timestamp.optional(),
  requestedBy: identity.optional(),
});

export const revocationSchema = z
  .strictObject({
    type: z.literal('revocation'),
    ...common,
    entitlement: text(MAX_ENTITLEMENT_LENGTH).optional(),
    credentialId: id().optional(),
    reason: text(MAX_REASON_LENGTH),
    scheduledAt: timestamp.optional().meta({ description: 'When the revocation was due, so lateness shows.' }),
  })
  .refine((r) => r.entitlement !== undefined || r.credentialId !== undefined, {
    message: 'a revocation needs entitlement or credentialId (at least one)',
    path: ['entitlement'],
  });

export const rotationSchema = z.strictObject({
  type: z.literal('rotation'),
  ...common,
  credentialId: id(),
  newFingerprint: id(),
  previousFingerprint: id().optional(),
  nextRotationDue: timestamp.optional(),
});

export const accessReviewSchema = z.strictObject({
  type: z.literal('access_review'),
  ...common,
  entitlement: text(MAX_ENTITLEMENT_LENGTH),
  decision: z.enum(['certified', 'revoked', 'modified']),
  campaignId: id().optional(),
});

export const credentialIssuanceSchema = z.strictObject({
  type: z.literal('credential_issuance'),
  ...common,
  credentialId: id(),
  credentialType: z.enum(CREDENTIAL_TYPES),
  expiresAt: timestamp,
  ephemeral: z.boolean(),
  fingerprint: id().optional(),
});

export const privilegedSessionSchema = z.strictObject({
  type: z.literal('privileged_session'),
  ...common,
  sessionId: id(),
  startedAt: timestamp,
  endedAt: timestamp.optional(),
  recordingRef: text(MAX_REFERENCE_LENGTH).optional(),
});

export const exceptionSchema = z.strictObject({
  type: z.literal('exception'),
  ...common,
  exceptionId: id(),
  category: z.enum(['emergency_access', 'policy_exception', 'control_failure']),
  status: z.enum(['opened', 'remediated', 'accepted', 'closed']),
  reason: text(MAX_REASON_LENGTH),
  remediationDue: timestamp.optional(),
});

export const changeSchema = z.strictObject({
  type: z.literal('change'),
  ...common,
  changeId: id(),
  environment: id(),
  approvedBy: identity.optional(),
});

/**
 * Contract, "Redaction": the ledger's own record that an entry's leaf bytes were removed (or that
 * an admin approved removing them). Appended only by `POST /v1/entries/{index}/redaction`; the
 * actor is the admin who asked, `controlId` the ledger's own control over redactions.
 */
export const redactionSchema = z.strictObject({
  type: z.literal('redaction'),
  ...common,
  targetIndex: z.int().min(0).meta({ description: 'Index of the entry whose leaf bytes are removed.' }),
  targetLeafHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lowercase hex digits' })
    .meta({ description: "The target's leaf hash (lowercase hex): it stays in the tree and every proof." }),
  reason: text(MAX_REASON_LENGTH),
});

/** Contract, "Control reports": the parameters a control's tests use; each member turns one rule on. */
export const controlTestsSchema = z.strictObject({
  rotationMaxDays: z.int().min(1).max(3650).optional(),
  revocationGraceHours: z.int().min(0).max(8760).optional(),
  remediationGraceDays: z.int().min(0).max(3650).optional(),
  maxCredentialLifetimeDays: z.int().min(1).max(3650).optional(),
  requireTicket: z.boolean().optional(),
  segregationOfDuties: z.boolean().optional(),
});

/** A control's definition: `controlId` is the control defined, `subject` its owner. A new one supersedes it. */
export const controlSchema = z.strictObject({
  type: z.literal('control'),
  ...common,
  frequency: z.enum(['continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual']),
  description: text(MAX_REASON_LENGTH),
  tests: controlTestsSchema,
});

export const evidenceRecordSchema = z.discriminatedUnion('type', [
  approvalSchema,
  revocationSchema,
  rotationSchema,
  accessReviewSchema,
  credentialIssuanceSchema,
  privilegedSessionSchema,
  exceptionSchema,
  changeSchema,
  redactionSchema,
  controlSchema,
]);

export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
export type ControlTests = z.infer<typeof controlTestsSchema>;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
export type Identity = z.infer<typeof identity>;
