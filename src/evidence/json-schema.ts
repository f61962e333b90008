/**
 * The JSON Schema (draft 2020-12) of evidence records, version 1, generated from the zod
 * schema so the two cannot drift. Posting systems validate against it before they send;
 * the ledger stays the authority (the schema cannot state the `details` bounds, the
 * secret rules or real calendar dates beyond its date-time pattern).
 * `scripts/write-json-schema.ts` writes it to `schemas/evidence-record.v1.schema.json`.
 */
import { z } from 'zod';
import { evidenceRecordSchema, revocationSchema } from './record.js';

/** A URN, not a URL: the project owns no domain, and a verifier must not fetch schemas anyway. */
export const EVIDENCE_RECORD_SCHEMA_ID = 'urn:evidence-ledger:schema:evidence-record:v1';
export const EVIDENCE_RECORD_SCHEMA_PATH = 'schemas/evidence-record.v1.schema.json';

export function evidenceRecordJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(evidenceRecordSchema, {
    target: 'draft-2020-12',
    // `details` is a zod custom type (to keep the object exactly as given); its description comes from its meta.
    unrepresentable: ({ zodSchema }) => (zodSchema._zod.def.type === 'custom' ? { type: 'object' } : 'throw'),
    override: ({ zodSchema, jsonSchema }) => {
      // The zod refinement "entitlement or credentialId, at least one" in JSON Schema words.
      if (zodSchema === revocationSchema) jsonSchema.anyOf = [{ required: ['entitlement'] }, { required: ['credentialId'] }];
    },
  });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: EVIDENCE_RECORD_SCHEMA_ID,
    title: 'Evidence record, version 1',
    description: 'What a system POSTs to /v1/entries: one identity-control event, discriminated by `type`.',
    ...rest,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function evidenceRecordJsonSchemaText(): string {
  return `${JSON.stringify(evidenceRecordJsonSchema(), null, 2)}\n`;
}
