/**
 * Writes the evidence record JSON Schema (generated from the zod schema) to
 * `schemas/evidence-record.v1.schema.json`, which is committed; a test fails when the
 * committed file and a fresh generation differ. Run from the repository root:
 *
 *   npm run build && node dist/scripts/write-json-schema.js
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EVIDENCE_RECORD_SCHEMA_PATH, evidenceRecordJsonSchemaText } from '../src/evidence/json-schema.js';
import { EVIDENCE_BUNDLE_SCHEMA_PATH, evidenceBundleJsonSchemaText } from '../src/verify/bundle-json-schema.js';

const target = path.resolve(process.cwd(), EVIDENCE_RECORD_SCHEMA_PATH);
writeFileSync(target, evidenceRecordJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

// The bundle format's schema, from src/verify/bundle-format.ts, the same way.
const bundleTarget = path.resolve(process.cwd(), EVIDENCE_BUNDLE_SCHEMA_PATH);
writeFileSync(bundleTarget, evidenceBundleJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), bundleTarget)}`);
