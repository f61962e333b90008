/**
 * The evidence ledger's client SDK (package entry `evidence-ledger/sdk`): post typed evidence
 * records with retries and idempotency, and verify receipts against the log's verifier key.
 * Pure: no server code, no Node built-ins; runs in Node 20+ and browsers.
 */
export { LedgerClient, type LedgerClientOptions, type PostOptions, type Receipt, type VerifyOptions } from './client.js';
export { NOT_LEADER_TYPE } from './endpoints.js';
export { backoffPolicy, retryAfterMs, retryAlso, DEFAULT_RETRY_STATUSES, type AttemptOutcome, type BackoffOptions, type RetryDecision, type RetryPolicy } from './retry.js';
export { LedgerApiError, LedgerNetworkError, ReceiptError, RecordInvalidError, type Problem, type ReceiptErrorCode } from './errors.js';
export { checkInclusion, checkReceiptLeaf, openTrustedCheckpoint, type AppendedEntry } from './receipt.js';
export { EVIDENCE_TYPES, validateRecord, type EvidenceRecord, type EvidenceType, type EntryEnvelope } from '../evidence/index.js';
