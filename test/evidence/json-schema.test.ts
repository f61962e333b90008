import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_RECORD_SCHEMA_ID,
  EVIDENCE_RECORD_SCHEMA_PATH,
  evidenceRecordJsonSchema,
  evidenceRecordJsonSchemaText,
} from '../../src/evidence/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('evidence record JSON Schema', () => {
  it('the committed file equals a fresh generation (run scripts/write-json-schema.ts after changing the zod schema)', () => {
    const committed = readFileSync(path.join(repoRoot, EVIDENCE_RECORD_SCHEMA_PATH), 'utf8');
    expect(committed).toBe(evidenceRecordJsonSchemaText());
  });

  it('is draft 2020-12 with an $id and a title', () => {
    const schema = evidenceRecordJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(EVIDENCE_RECORD_SCHEMA_ID);
    expect(typeof schema.title).toBe('string');
  });

  it('has one closed object per type', () => {
    const options = evidenceRecordJsonSchema().oneOf as { properties: { type: { const: string } }; additionalProperties: boolean }[];
    expect(options.map((o) => o.properties.type.const)).toEqual([
      'approval', 'revocation', 'rotation', 'access_review', 'credential_issuance', 'privileged_session', 'exception', 'change', 'redaction', 'control',
    ]);
    for (const option of options) expect(option.additionalProperties).toBe(false);
  });

  it('says a revocation needs entitlement or credentialId', () => {
    const options = evidenceRecordJsonSchema().oneOf as { properties: { type: { const: string } }; anyOf?: unknown }[];
    const revocation = options.find((o) => o.properties.type.const === 'revocation');
    expect(revocation?.anyOf).toEqual([{ required: ['entitlement'] }, { required: ['credentialId'] }]);
  });

  it('describes details as an object with its bounds', () => {
    const options = evidenceRecordJsonSchema().oneOf as { properties: { details: { type: string; description: string } } }[];
    expect(options[0]!.properties.details.type).toBe('object');
    expect(options[0]!.properties.details.description).toMatch(/16384 bytes.*8 levels/);
  });
});
