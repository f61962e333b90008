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

const target = path.resolve(process.cwd(), EVIDENCE_RECORD_SCHEMA_PATH);
writeFileSync(target, evidenceRecordJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
