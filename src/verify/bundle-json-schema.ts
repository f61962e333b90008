/**
 * The JSON Schema (draft 2020-12) of evidence bundles, version 1, generated from the zod
 * schemas in `bundle-format.ts` so the two cannot drift. A test fails when the committed
 * `schemas/evidence-bundle.v1.schema.json` differs from a fresh generation.
 */
import { z } from 'zod';
import { bundleSchema } from './bundle-format.js';

/** A URN, not a URL: the project owns no domain, and a verifier must not fetch schemas anyway. */
export const EVIDENCE_BUNDLE_SCHEMA_ID = 'urn:evidence-ledger:schema:evidence-bundle:v1';
export const EVIDENCE_BUNDLE_SCHEMA_PATH = 'schemas/evidence-bundle.v1.schema.json';

export function evidenceBundleJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(bundleSchema, { target: 'draft-2020-12' });
  return {
    $schema,
    $id: EVIDENCE_BUNDLE_SCHEMA_ID,
    title: 'Evidence bundle, version 1',
    description:
      'What GET /v1/bundles answers and `ledger verify` checks offline: matching entries with their leaf bytes and ' +
      'RFC 9162 inclusion proofs against a signed C2SP checkpoint, and the consistency proof to the latest one.',
    ...rest,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function evidenceBundleJsonSchemaText(): string {
  return `${JSON.stringify(evidenceBundleJsonSchema(), null, 2)}\n`;
}
