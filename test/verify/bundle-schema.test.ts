/** The committed JSON Schema of bundles is exactly what the zod definition generates. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_BUNDLE_SCHEMA_PATH, evidenceBundleJsonSchemaText } from '../../src/verify/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('schemas/evidence-bundle.v1.schema.json', () => {
  const committed = readFileSync(path.join(root, EVIDENCE_BUNDLE_SCHEMA_PATH), 'utf8');

  it('matches a fresh generation from the zod schema (regenerate it when the format changes)', () => {
    expect(committed).toBe(evidenceBundleJsonSchemaText());
  });

  it('requires every member of the version 1 format, as the brief lists them', () => {
    const schema = JSON.parse(committed);
    expect([...schema.required].sort()).toEqual(
      ['anchor', 'consistency', 'entries', 'fiscalYearStart', 'format', 'generatedAt', 'latest', 'origin', 'period', 'query', 'verifierKey', 'version'].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.version.const).toBe(1);
    // An entry with its leaf bytes, or (contract, "Redaction") a redacted one by hash only.
    const [full, redacted] = schema.properties.entries.items.anyOf;
    expect([...full.required].sort()).toEqual(['index', 'late', 'leaf', 'leafHash', 'proof']);
    expect([...redacted.required].sort()).toEqual(['index', 'leafHash', 'proof', 'redacted']);
    expect(redacted.properties.redacted.required).toEqual(['by']);
    for (const option of [full, redacted]) expect(option.additionalProperties).toBe(false);
  });
});
