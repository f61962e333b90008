/**
 * Writes the evidence record and bundle JSON Schemas (generated from the zod schemas) to
 * `schemas/evidence-record.v1.schema.json` and `schemas/evidence-bundle.v1.schema.json`, which are committed; a test fails when the
 * committed file and a fresh generation differ. Run from the repository root:
 *
 *   npm run build && node dist/scripts/write-json-schema.js
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EVIDENCE_RECORD_SCHEMA_PATH, evidenceRecordJsonSchemaText } from '../src/evidence/json-schema.js';
import { EVIDENCE_BUNDLE_SCHEMA_PATH, evidenceBundleJsonSchemaText } from '../src/verify/bundle-json-schema.js';

for (const [file, text] of [
  [EVIDENCE_RECORD_SCHEMA_PATH, evidenceRecordJsonSchemaText()],
  [EVIDENCE_BUNDLE_SCHEMA_PATH, evidenceBundleJsonSchemaText()],
] as const) {
  const target = path.resolve(process.cwd(), file);
  writeFileSync(target, text);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
