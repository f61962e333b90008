import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../src/evidence/index.js';
import { contractRotationExample, validExamples, variant } from './examples.js';

const fieldsOf = (input: unknown) => {
  const result = validateRecord(input);
  return result.ok ? [] : result.problems.map((p) => p.field);
};

const messagesOf = (input: unknown) => {
  const result = validateRecord(input);
  return result.ok ? [] : result.problems.map((p) => p.message);
};

describe('evidence record, version 1', () => {
  it.each(Object.keys(validExamples))('accepts a valid %s record', (type) => {
    const result = validateRecord(validExamples[type]);
    expect(result).toEqual({ ok: true, record: validExamples[type] });
  });

  it('rejects a control whose tests turn on an unknown rule or are out of range, naming the field', () => {
    const base = validExamples.control!;
    expect(validateRecord(variant(base, { tests: { rotationMaxDays: 0 } })).ok).toBe(false);
    expect(validateRecord(variant(base, { tests: { rotationMaxDays: 3651 } })).ok).toBe(false);
    expect(validateRecord(variant(base, { tests: { revocationGraceHours: 8761 } })).ok).toBe(false);
    expect(validateRecord(variant(base, { tests: { requireTicket: 'yes' } })).ok).toBe(false);
    const unknown = validateRecord(variant(base, { tests: { rotationMaxDay: 90 } }));
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.problems[0]!.field).toBe('tests.rotationMaxDay');
    expect(validateRecord(variant(base, { tests: undefined })).ok).toBe(false);
    expect(validateRecord(variant(base, { tests: {} })).ok).toBe(true);
    expect(validateRecord(variant(base, { frequency: 'hourly' })).ok).toBe(false);
  });

  it("accepts the contract's rotation example", () => {
    expect(validateRecord(contractRotationExample).ok).toBe(true);
  });

  it('covers exactly the ten types of the contract (eight of evidence, redactions and control definitions)', () => {
    expect(Object.keys(validExamples).sort()).toEqual(
      ['access_review', 'approval', 'change', 'control', 'credential_issuance', 'exception', 'privileged_session', 'redaction', 'revocation', 'rotation'],
    );
  });

  it('rejects a body that is not an object, naming the whole body', () => {
    for (const body of [null, [], 'rotation', 42, true]) {
      const result = validateRecord(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems[0]!.field).toBe('');
    }
    expect(messagesOf([])).toEqual(['record: expected a JSON object, got an array']);
  });
});

describe('required fields', () => {
  const common = ['controlId', 'system', 'actor', 'subject', 'occurredAt'];
  // From the contract's table, written out by hand rather than read from the schema.
  const required: Record<string, string[]> = {
    approval: ['entitlement', 'decision'],
    revocation: ['reason'],
    rotation: ['credentialId', 'newFingerprint'],
    access_review: ['entitlement', 'decision'],
    credential_issuance: ['credentialId', 'credentialType', 'expiresAt', 'ephemeral'],
    privileged_session: ['sessionId', 'startedAt'],
    exception: ['exceptionId', 'category', 'status', 'reason'],
    change: ['changeId', 'environment'],
  };
  const cases = Object.entries(required).flatMap(([type, own]) => [...common, ...own].map((field) => [type, field] as const));

  it.each(cases)('%s without %s is rejected, naming the field', (type, field) => {
    const input = variant(validExamples[type]!, { [field]: undefined });
    expect(fieldsOf(input)).toEqual([field]);
    expect(messagesOf(input)).toHaveLength(1);
    expect(messagesOf(input)[0]).toMatch(new RegExp(`^${field}: is required`));
  });

  it('a record without type names type and lists the types', () => {
    expect(messagesOf(variant(validExamples.change!, { type: undefined }))).toEqual([
      'type: is required; expected one of approval, revocation, rotation, access_review, credential_issuance, privileged_session, exception, change, redaction, control',
    ]);
  });

  it('identity members id and kind are required', () => {
    expect(fieldsOf(variant(validExamples.change!, { actor: { kind: 'human' } }))).toEqual(['actor.id']);
    expect(fieldsOf(variant(validExamples.change!, { subject: { id: 'x' } }))).toEqual(['subject.kind']);
  });

  it('a revocation needs an entitlement or a credentialId', () => {
    const neither = variant(validExamples.revocation!, { entitlement: undefined });
    expect(fieldsOf(neither)).toEqual(['entitlement']);
    expect(messagesOf(neither)[0]).toContain('credentialId');
    expect(validateRecord(variant(neither, { credentialId: 'akid-7f3c' })).ok).toBe(true);
    expect(validateRecord(variant(validExamples.revocation!, { credentialId: 'akid-7f3c' })).ok).toBe(true);
  });

  it('every optional field may be left out', () => {
    const optional: Record<string, string[]> = {
      approval: ['ticket', 'expiresAt', 'requestedBy'],
      revocation: ['scheduledAt'],
      rotation: ['ticket', 'previousFingerprint', 'nextRotationDue'],
      access_review: ['campaignId'],
      credential_issuance: ['fingerprint'],
      privileged_session: ['endedAt', 'recordingRef'],
      exception: ['ticket', 'remediationDue'],
      change: ['approvedBy', 'details'],
    };
    for (const [type, fields] of Object.entries(optional)) {
      const stripped = variant(validExamples[type]!, Object.fromEntries(fields.map((f) => [f, undefined])));
      expect(fieldsOf(stripped), type).toEqual([]);
    }
  });
});

describe('enumerations', () => {
  it.each([
    ['change', 'actor', { id: 'x', kind: 'robot' }, 'actor.kind', 'actor.kind: expected one of human, workload, service_account, api_key, system'],
    ['change', 'subject', { id: 'x', kind: 'Human' }, 'subject.kind', 'subject.kind: expected one of human, workload, service_account, api_key, system'],
    ['change', 'approvedBy', { id: 'x', kind: '' }, 'approvedBy.kind', undefined],
    ['approval', 'requestedBy', { id: 'x', kind: 'user' }, 'requestedBy.kind', undefined],
    ['approval', 'decision', 'certified', 'decision', 'decision: expected one of approved, rejected'],
    ['access_review', 'decision', 'approved', 'decision', 'decision: expected one of certified, revoked, modified'],
    ['credential_issuance', 'credentialType', 'jwt', 'credentialType', 'credentialType: expected one of api_key, oauth_token, certificate, ssh_key, password, workload_token, other'],
    ['exception', 'category', 'emergency', 'category', 'category: expected one of emergency_access, policy_exception, control_failure'],
    ['exception', 'status', 'open', 'status', 'status: expected one of opened, remediated, accepted, closed'],
  ])('%s with a wrong %s is rejected, naming %s', (type, member, value, field, message) => {
    const input = variant(validExamples[type]!, { [member]: value });
    expect(fieldsOf(input)).toEqual([field]);
    if (message) expect(messagesOf(input)).toEqual([message]);
  });

  it('rejects an unknown type, naming type', () => {
    expect(messagesOf(variant(validExamples.change!, { type: 'deploy' }))).toEqual([
      'type: expected one of approval, revocation, rotation, access_review, credential_issuance, privileged_session, exception, change, redaction, control',
    ]);
  });

  it('rejects a field of another type (fields are per type)', () => {
    expect(fieldsOf(variant(validExamples.change!, { entitlement: 'x' }))).toEqual(['entitlement']);
  });

  it('ephemeral must be a boolean, not a string', () => {
    const input = variant(validExamples.credential_issuance!, { ephemeral: 'true' });
    expect(messagesOf(input)).toEqual(['ephemeral: expected a boolean, got a string']);
  });
});

describe('unknown fields', () => {
  it('rejects an unknown top-level field and names it', () => {
    const input = variant(validExamples.rotation!, { credentialID: 'akid-7f3c' });
    expect(messagesOf(input)).toEqual(['credentialID: unknown field; anything extra belongs in details']);
  });

  it('names every unknown field, nested ones with their path', () => {
    const input = variant(validExamples.change!, { extra: 1, note: 'x', actor: { id: 'a', kind: 'human', email: 'a@b' } });
    expect(fieldsOf(input).sort()).toEqual(['actor.email', 'extra', 'note']);
  });

  it('rejects a top-level "__proto__" member as unknown', () => {
    const input = JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(validExamples.change).slice(1)}`);
    expect(fieldsOf(input)).toEqual(['__proto__']);
  });
});

describe('string bounds', () => {
  it('controlId is 1 to 128 characters', () => {
    expect(fieldsOf(variant(validExamples.change!, { controlId: 'C'.repeat(128) }))).toEqual([]);
    expect(messagesOf(variant(validExamples.change!, { controlId: 'C'.repeat(129) }))).toEqual(['controlId: must be at most 128 characters']);
    expect(messagesOf(variant(validExamples.change!, { controlId: '' }))).toEqual(['controlId: must not be empty']);
  });

  it('system is 1 to 256 characters', () => {
    expect(fieldsOf(variant(validExamples.change!, { system: 's'.repeat(256) }))).toEqual([]);
    expect(fieldsOf(variant(validExamples.change!, { system: 's'.repeat(257) }))).toEqual(['system']);
  });

  it('ids are at most 256 characters, reasons at most 4096', () => {
    expect(fieldsOf(variant(validExamples.change!, { actor: { id: 'a'.repeat(257), kind: 'human' } }))).toEqual(['actor.id']);
    expect(fieldsOf(variant(validExamples.exception!, { reason: 'r'.repeat(4096) }))).toEqual([]);
    expect(fieldsOf(variant(validExamples.exception!, { reason: 'r'.repeat(4097) }))).toEqual(['reason']);
    expect(fieldsOf(variant(validExamples.change!, { ticket: '' }))).toEqual(['ticket']);
  });

  it('rejects a string with a lone surrogate, naming the field', () => {
    expect(fieldsOf(variant(validExamples.change!, { system: 'sap\ud800' }))).toEqual(['system']);
    expect(fieldsOf(variant(validExamples.change!, { system: 'sap 😀' }))).toEqual([]);
  });
});

describe('RFC 3339 times', () => {
  const withTime = (occurredAt: unknown) => fieldsOf(variant(validExamples.change!, { occurredAt }));

  it.each([
    '2026-09-14T02:00:00Z',
    '2026-09-14T02:00:00.5Z',
    '2026-09-14T02:00:00.123456789+14:00',
    '2026-09-14T02:00:00-00:00',
    '2024-02-29T12:00:00Z',
    '2000-02-29T12:00:00Z',
    '2026-12-31T23:59:59+05:30',
  ])('accepts %s', (time) => expect(withTime(time)).toEqual([]));

  it.each([
    ['no zone', '2026-09-14T02:00:00'],
    ['no seconds', '2026-09-14T02:00Z'],
    ['a date only', '2026-09-14'],
    ['a space for T', '2026-09-14 02:00:00Z'],
    ['lower-case t and z', '2026-09-14t02:00:00z'],
    ['February 30', '2026-02-30T00:00:00Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['February 29 of 2100', '2100-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 24', '2026-09-14T24:00:00Z'],
    ['offset hour 24', '2026-09-14T02:00:00+24:00'],
    ['a leap second', '2026-06-30T23:59:60Z'],
    ['more than nanoseconds', '2026-09-14T02:00:00.1234567891Z'],
    ['epoch milliseconds', 1789351200000],
  ])('rejects %s', (_, time) => expect(withTime(time)).toEqual(['occurredAt']));

  it('says what a time should look like', () => {
    expect(messagesOf(variant(validExamples.change!, { occurredAt: '14/09/2026' }))).toEqual([
      'occurredAt: expected an RFC 3339 date-time with Z or an offset, such as 2026-09-14T02:00:00Z',
    ]);
  });

  it('checks the optional times too', () => {
    expect(fieldsOf(variant(validExamples.privileged_session!, { endedAt: '2026-09-31T00:00:00Z' }))).toEqual(['endedAt']);
    expect(fieldsOf(variant(validExamples.rotation!, { nextRotationDue: 'soon' }))).toEqual(['nextRotationDue']);
  });
});
