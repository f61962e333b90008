import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import canonicalize from 'canonicalize';
import { decodeLeaf, encodeLeaf, formatTimestamp, validateRecord, type EntryEnvelope } from '../../src/evidence/index.js';
import { preparedCanonicalJson } from '../../src/evidence/validate.js';
import { inlinePreparer } from '../../src/http/prepare-pool.js';

// Any code point outside the surrogate halves, so the leaves carry real non-ASCII.
const text = (maxLength: number) => fc.string({ unit: 'binary', minLength: 1, maxLength });
// Identifiers hide no control, bidi or zero-width character (contract, "Secret screening, precisely"): each
// one becomes an 'x' (one UTF-16 unit for one), so lengths stay as generated.
const HIDDEN = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]/gu;
const identifier = (maxLength: number) => text(maxLength).map((s) => s.replace(HIDDEN, 'x'));
const id = identifier(40);
// Fingerprint fields hold digest forms only.
const fingerprint = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `sha256:${toHex(b)}`),
  fc.uint8Array({ minLength: 2, maxLength: 8 }).map((b) => `sha256:${toHex(b)}`),
  fc.uint8Array({ minLength: 20, maxLength: 20 }).map(toHex),
);
const identity = fc.record({ id, kind: fc.constantFrom('human', 'workload', 'service_account', 'api_key', 'system') });
const offset = fc.constantFrom('Z', '+00:00', '-00:00', '+05:30', '-08:00', '+14:00');
const time = fc
  .tuple(fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9998, 11, 31) }), fc.boolean(), offset)
  .map(([ms, withMillis, zone]) => {
    const iso = new Date(ms).toISOString(); // a real calendar date, written independently of the code under test
    return `${withMillis ? iso.slice(0, 23) : iso.slice(0, 19)}${zone}`;
  });

// JSON values `details` may hold: safe integers, finite doubles that are not unsafe integers (-0 included).
const number = fc.oneof(
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n) || Number.isSafeInteger(n)),
);
const key = fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => k !== '__proto__');
const { details } = fc.letrec<{ value: unknown; details: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, fc.constant(null), fc.boolean(), number, fc.string({ unit: 'binary', maxLength: 12 }), fc.array(tie('value'), { maxLength: 3 }), tie('details')),
  details: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));

const common = { controlId: identifier(60), system: identifier(60), actor: identity, subject: identity, occurredAt: time, ticket: id, details };
const commonRequired = ['type', 'controlId', 'system', 'actor', 'subject', 'occurredAt'] as const;
const record = fc.oneof(
  fc.record(
    { type: fc.constant('approval'), ...common, entitlement: id, decision: fc.constantFrom('approved', 'rejected'), expiresAt: time, requestedBy: identity },
    { requiredKeys: [...commonRequired, 'entitlement', 'decision'] },
  ),
  fc.record(
    { type: fc.constant('revocation'), ...common, entitlement: id, credentialId: id, reason: text(200), scheduledAt: time },
    { requiredKeys: [...commonRequired, 'entitlement', 'reason'] },
  ),
  fc.record(
    { type: fc.constant('rotation'), ...common, credentialId: id, newFingerprint: fingerprint, previousFingerprint: fingerprint, nextRotationDue: time },
    { requiredKeys: [...commonRequired, 'credentialId', 'newFingerprint'] },
  ),
  fc.record(
    { type: fc.constant('access_review'), ...common, entitlement: id, decision: fc.constantFrom('certified', 'revoked', 'modified'), campaignId: id },
    { requiredKeys: [...commonRequired, 'entitlement', 'decision'] },
  ),
  fc.record(
    {
      type: fc.constant('credential_issuance'), ...common, credentialId: id,
      credentialType: fc.constantFrom('api_key', 'oauth_token', 'certificate', 'ssh_key', 'password', 'workload_token', 'other'),
      expiresAt: time, ephemeral: fc.boolean(), fingerprint,
    },
    { requiredKeys: [...commonRequired, 'credentialId', 'credentialType', 'expiresAt', 'ephemeral'] },
  ),
  fc.record(
    { type: fc.constant('privileged_session'), ...common, sessionId: id, startedAt: time, endedAt: time, recordingRef: text(100) },
    { requiredKeys: [...commonRequired, 'sessionId', 'startedAt'] },
  ),
  fc.record(
    {
      type: fc.constant('exception'), ...common, exceptionId: id,
      category: fc.constantFrom('emergency_access', 'policy_exception', 'control_failure'),
      status: fc.constantFrom('opened', 'remediated', 'accepted', 'closed'), reason: text(200), remediationDue: time,
    },
    { requiredKeys: [...commonRequired, 'exceptionId', 'category', 'status', 'reason'] },
  ),
  fc.record(
    { type: fc.constant('change'), ...common, changeId: id, environment: id, approvedBy: identity },
    { requiredKeys: [...commonRequired, 'changeId', 'environment'] },
  ),
);

const envelope = fc
  .record({
    index: fc.maxSafeNat(),
    prev: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex),
    receivedAt: fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).map(formatTimestamp),
    source: id,
    record,
  })
  .map((e) => ({ v: 1, ...e }) as EntryEnvelope);

/** Positions of `{ [ : ,` outside string literals (a minimal JSON lexer: strings and their escapes). */
function structuralPositions(json: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[' || ch === ':' || ch === ',') out.push(i);
  }
  return out;
}

describe('leaf round trip (property)', () => {
  it('generated records are valid ones (the generator is honest)', () => {
    fc.assert(
      fc.property(record, (r) => {
        const result = validateRecord(r);
        // A generated string may happen to look like a secret; every other problem is a generator bug.
        return result.ok || result.problems.every((p) => p.message.includes('looks like'));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeLeaf(encodeLeaf(e)) is e as JSON sees it, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(envelope, (e) => {
        const leaf = encodeLeaf(e);
        const decoded = decodeLeaf(leaf);
        // JSON has no -0; JSON.parse(JSON.stringify(...)) is the independent model of what survives.
        expect(decoded).toEqual(JSON.parse(JSON.stringify(e)));
        expect(encodeLeaf(decoded)).toEqual(leaf);
      }),
      { numRuns: 300 },
    );
  });

  // encodeLeaf splices a validated record's canonical text into the envelope's punctuation
  // (envelope.ts, spliceEnvelope) instead of serialising the whole envelope: it must give exactly
  // the bytes the RFC 8785 library gives for the whole envelope.
  it('writes the spliced leaf of a validated record byte for byte as canonicalize writes the envelope', () => {
    const preparer = inlinePreparer();
    return fc.assert(
      fc.asyncProperty(envelope, async (e) => {
        fc.pre(validateRecord(e.record).ok);
        // As an append does: the body's bytes prepared (validated, canonical text kept), then encoded.
        const [prepared] = await preparer.prepare(new TextEncoder().encode(JSON.stringify(e.record)), 'entry');
        const record = prepared!.record;
        expect(preparedCanonicalJson(record)).toBeDefined(); // the splice path is the one taken
        const spliced = new TextDecoder().decode(encodeLeaf({ ...e, record }));
        expect(spliced).toBe(canonicalize(JSON.parse(JSON.stringify({ ...e, record }))));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every leaf with a space inserted after a separator', () => {
    fc.assert(
      fc.property(envelope, fc.nat(), (e, pick) => {
        const text = new TextDecoder().decode(encodeLeaf(e));
        const separators = structuralPositions(text);
        const at = separators[pick % separators.length]! + 1;
        const spaced = new TextEncoder().encode(`${text.slice(0, at)} ${text.slice(at)}`);
        expect(() => decodeLeaf(spaced)).toThrow(/canonical/);
      }),
      { numRuns: 200 },
    );
  });
});
