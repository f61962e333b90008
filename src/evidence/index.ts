/** Evidence records (version 1), secret detection, the entry envelope and its canonical leaf bytes. Pure: no I/O. */
export { EvidenceError, type EvidenceErrorCode, type FieldProblem } from './errors.js';
export {
  CREDENTIAL_TYPES,
  EVIDENCE_TYPES,
  IDENTITY_KINDS,
  MAX_CONTROL_ID_LENGTH,
  MAX_ENTITLEMENT_LENGTH,
  MAX_FRACTION_DIGITS,
  MAX_ID_LENGTH,
  MAX_REASON_LENGTH,
  MAX_REFERENCE_LENGTH,
  MAX_SYSTEM_LENGTH,
  evidenceRecordSchema,
  type EvidenceRecord,
  type EvidenceType,
  type Identity,
  type IdentityKind,
} from './record.js';
export { MAX_DETAILS_BYTES, MAX_DETAILS_DEPTH, type JsonObject, type JsonValue } from './json-value.js';
export { adoptValidatedRecord, recordCanonicalJson, validateRecord, type RecordValidation } from './validate.js';
export { findSecrets } from './secrets.js';
export { IDENTIFIER_FIELDS, screenStoredString, type ScreenOptions } from './screen.js';
export { canonicalBytes, canonicalJson } from './canonical.js';
export {
  MAX_SOURCE_LENGTH,
  ZERO_HASH_HEX,
  decodeLeaf,
  encodeLeaf,
  envelopeSchema,
  formatTimestamp,
  type EntryEnvelope,
} from './envelope.js';
export {
  EVIDENCE_RECORD_SCHEMA_ID,
  EVIDENCE_RECORD_SCHEMA_PATH,
  evidenceRecordJsonSchema,
  evidenceRecordJsonSchemaText,
} from './json-schema.js';
export * from './periods.js';
export { MAX_LEAF_BYTES, checkLeafSize } from './leaf-limit.js';
