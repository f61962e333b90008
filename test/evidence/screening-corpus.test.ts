import { describe, expect, it } from 'vitest';
import { findSecrets, screenStoredString, validateRecord } from '../../src/evidence/index.js';
import { validExamples, variant } from './examples.js';
import { ALNUM, BASE64, HEX, RECORD_FIELDS, fineCorpus, random, secretCorpus } from './screening-corpora.js';

/** `base` with `value` written at the dotted `field` (objects on the way created as needed). */
function withValue(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const path = field.split('.');
  let at: Record<string, unknown> = copy;
  for (const [i, key] of path.slice(0, -1).entries()) {
    const next = /^\d+$/.test(path[i + 1]!) ? [] : {};
    at[key] ??= next;
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
  return copy;
}

function exampleWith(type: string, field: string, value: string): Record<string, unknown> {
  const base = validExamples[type]!;
  const [first] = field.split('.');
  const prepared = (first === 'requestedBy' || first === 'approvedBy') && base[first] === undefined
    ? variant(base, { [first]: { id: 'x', kind: 'human' } })
    : base;
  return withValue(prepared, field, value);
}

const TYPE_OF_FIELD: Record<string, string> = {
  controlId: 'change', system: 'change', 'actor.id': 'change', 'subject.id': 'change', ticket: 'change',
  credentialId: 'rotation', newFingerprint: 'rotation', previousFingerprint: 'rotation', fingerprint: 'credential_issuance',
  sessionId: 'privileged_session', recordingRef: 'privileged_session', changeId: 'change', entitlement: 'approval', reason: 'revocation',
};

describe('the corpus of realistic values that are not secrets', () => {
  const corpus = fineCorpus();

  it('holds several hundred values of many kinds', () => {
    expect(corpus.length).toBeGreaterThan(1500);
    expect(new Set(corpus.map((c) => c.field)).size).toBeGreaterThan(50);
  });

  it('is refused nowhere: 0 refusals', () => {
    const refused: string[] = [];
    for (const { field, value } of corpus) {
      const type = field.startsWith('details.') ? 'change' : TYPE_OF_FIELD[field] ?? 'change';
      const result = validateRecord(exampleWith(type, field, value));
      if (!result.ok) refused.push(`${field} = ${value}: ${result.problems.map((p) => p.message).join('; ')}`);
    }
    expect(refused).toEqual([]);
  });

  it('passes the one screen as a token source and an idempotency key too', () => {
    // The contract accepts an access key id in credentialId only, and public key material where the name says so.
    const asKeys = corpus.filter((c) => /^[\x21-\x7e]{1,255}$/.test(c.value) && !c.value.startsWith('AKIA') && !/publicKey/i.test(c.field));
    expect(asKeys.length).toBeGreaterThan(1000);
    for (const { value } of asKeys) expect(screenStoredString('Idempotency-Key', value), value).toBeUndefined();
    for (const { value } of corpus.filter((c) => c.field.endsWith('.id'))) expect(screenStoredString('source', value), value).toBeUndefined();
  });
});

describe('the corpus of secrets, in every field', () => {
  const secrets = secretCorpus();

  it('has about 35 formats', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(30);
  });

  for (const { field, type } of RECORD_FIELDS) {
    it(`accepts none in ${field}: 0 accepted, the field named, the value never repeated`, () => {
      const accepted: string[] = [];
      for (const { what, value } of secrets) {
        // Contract: an access key id (the public half of an AWS key pair) is accepted in credentialId.
        if (field === 'credentialId' && what === 'an AWS access key id') continue;
        const result = validateRecord(exampleWith(type, field, value));
        if (result.ok) accepted.push(what);
        else {
          expect(result.problems.map((p) => p.field), what).toContain(field);
          expect(JSON.stringify(result.problems), what).not.toContain(value.slice(8, 30));
        }
      }
      expect(accepted).toEqual([]);
    });
  }

  it('accepts none as a details member name, naming the enclosing object', () => {
    for (const { what, value } of secrets) {
      const problems = findSecrets({ details: { inventory: { [value]: true } } });
      expect(problems.map((p) => p.field), what).toEqual(['details.inventory']);
    }
  });

  it.each(['source', 'Idempotency-Key', 'witness.name'])('accepts none as %s', (field) => {
    for (const { what, value } of secrets) expect(screenStoredString(field, value, { identifier: true }), what).toBeDefined();
  });
});

describe('field-aware rules', () => {
  const detailsField = (name: string, value: string) => screenStoredString(`details.${name}`, value)?.field;

  it.each(['password', 'db_password', 'PASSWORD', 'user-pwd', 'clientSecret', 'api_key', 'x-api-key', 'accessToken', 'credential', 'privateKey', 'key', 'passwd'])(
    'holds a weak password in %s as free text',
    (name) => {
      expect(detailsField(name, 'Hunter2!Hunter2!')).toBe(`details.${name}`);
      expect(detailsField(name, 'correct-horse-battery-staple')).toBe(`details.${name}`);
    },
  );

  it('finds hex split into groups in a secret-named member', () => {
    const hex = random(64, HEX);
    expect(detailsField('hmacKey', hex.replace(/(.{8})(?!$)/g, '$1 '))).toBe('details.hmacKey');
    expect(detailsField('secret', hex.replace(/(.{4})(?!$)/g, '$1-'))).toBe('details.secret');
    expect(detailsField('secret', hex)).toBe('details.secret');
  });

  it('lets a secret-named member hold a prefixed digest, a reference or a key id', () => {
    for (const value of [`sha256:${random(64, HEX)}`, 'vault:kv/data/payments/prod', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', 'https://vault.corp.example/v1/kv/db', 'akid-7f3c', 'kv/data/payments/prod']) {
      expect(detailsField('password', value), value).toBeUndefined();
    }
  });

  it('refuses bare hex and bare base64 in a secret-named member (only prefixed digests)', () => {
    expect(detailsField('token', random(64, HEX))).toBe('details.token');
    expect(detailsField('token', random(43, BASE64))).toBe('details.token');
  });

  it('accepts only digest forms in the fingerprint fields', () => {
    expect(screenStoredString('newFingerprint', `sha256:${random(64, HEX)}`)).toBeUndefined();
    expect(screenStoredString('newFingerprint', 'sha256:4b1e')).toBeUndefined();
    expect(screenStoredString('fingerprint', `SHA256:${random(43, BASE64)}`)).toBeUndefined();
    expect(screenStoredString('previousFingerprint', random(32, HEX))).toBeUndefined();
    expect(screenStoredString('newFingerprint', 'Hunter2!Hunter2!')?.field).toBe('newFingerprint');
    expect(screenStoredString('newFingerprint', `sha256:${random(40, ALNUM)}`)?.field).toBe('newFingerprint');
    expect(screenStoredString('newFingerprint', `sha256:${random(17, HEX)}`)?.field).toBe('newFingerprint');
    expect(screenStoredString('newFingerprint', random(36, HEX))?.field).toBe('newFingerprint');
  });

  it('finds a secret assigned to a secret-named key inside text, not prose about one', () => {
    expect(screenStoredString('reason', 'db url host=db1 user=ledger password=Hunter2!Hunter2!')?.field).toBe('reason');
    expect(screenStoredString('reason', 'Server=tcp:db;User ID=ledger;Pwd=Winter2026xyz;')?.field).toBe('reason');
    expect(screenStoredString('reason', 'the password: reset by the help desk')).toBeUndefined();
    expect(screenStoredString('reason', 'rotated; password=*** (masked by the agent)')).toBeUndefined();
  });
});

describe('identifiers', () => {
  it.each([
    ['a control character', 'ITGC\u0007-AC-07'],
    ['a DEL', 'ITGC-AC-07\u007f'],
    ['a bidi override', 'ITGC-\u202eAC-07'],
    ['a bidi isolate', 'ITGC-\u2066AC-07'],
    ['a zero-width space', 'ITGC-\u200bAC-07'],
    ['a zero-width joiner', 'ITGC-\u200dAC-07'],
    ['a byte order mark', '\ufeffITGC-AC-07'],
  ])('refuses %s in every identifier field', (_, value) => {
    for (const field of ['controlId', 'system', 'actor.id', 'subject.id', 'ticket', 'credentialId', 'sessionId']) {
      const type = TYPE_OF_FIELD[field] ?? 'change';
      const result = validateRecord(exampleWith(type, field, value));
      expect(result.ok ? [] : result.problems.map((p) => p.field), field).toEqual([field]);
    }
    expect(screenStoredString('source', value)?.field).toBe('source');
  });

  it('keeps a zero-width joiner in free text (emoji sequences) while matching known formats without it', () => {
    expect(screenStoredString('reason', 'approved by the team \u{1F468}\u200d\u{1F4BB}')).toBeUndefined();
  });

  it('counts lengths in UTF-16 code units, as the contract does (zod counts code points)', () => {
    const emoji = '\u{1F512}'; // two UTF-16 code units, one code point
    const ok = validateRecord(variant(validExamples.change!, { controlId: emoji.repeat(64) }));
    const tooLong = validateRecord(variant(validExamples.change!, { controlId: `${emoji.repeat(64)}x` }));
    expect(ok.ok).toBe(true);
    expect(tooLong.ok ? [] : tooLong.problems.map((p) => p.message)).toEqual(['controlId: must be at most 128 characters']);
  });
});
