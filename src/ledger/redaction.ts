/**
 * Redaction (contract, "Redaction"), as QLDB's REDACT_REVISION did it: an entry's content goes, its
 * leaf hash stays, so the tree, every checkpoint and every proof stay exactly as they were. Each
 * admin's request is itself an entry (a `redaction` record); the one that brings the approvals to
 * LEDGER_REDACTION_APPROVALS removes the target's leaf bytes in the same durable transaction that
 * appends it, and the WAL is then checkpointed and truncated so no old page keeps them.
 */
import { toHex } from '../crypto/bytes.js';
import { EvidenceError, formatTimestamp, validateRecord, type EvidenceRecord } from '../evidence/index.js';
import { LedgerError } from './errors.js';
import type { Ledger } from './ledger.js';
import type { AppendedEntry } from './sequencer.js';

/** The ledger's own control over redactions: the `controlId` of every redaction record. */
export const REDACTION_CONTROL_ID = 'LEDGER-REDACTION';

export interface RedactionRequest {
  targetIndex: number;
  reason: string;
  ticket: string;
  /** The asking admin: their token's source, the redaction record's actor and entry source. */
  approver: string;
}

export interface RedactionOutcome {
  entry: AppendedEntry;
  /** Distinct admins who have asked, this one included. */
  approvals: number;
  required: number;
  /** True when this request removed the target's leaf. */
  applied: boolean;
  /** False when a reader held back the WAL truncation; it is retried on the next cadence tick. */
  walTruncated: boolean;
}

export async function requestRedaction(ledger: Ledger, req: RedactionRequest): Promise<RedactionOutcome> {
  const { store } = ledger;
  const required = ledger.settings.redactionApprovals ?? 1;
  const target = store.log.entry(req.targetIndex);
  if (!target) throw new LedgerError('NOT_FOUND', `no entry ${req.targetIndex}`, 'index');
  refuseConflicts(ledger, req);

  const origin = ledger.key().origin;
  const record = {
    type: 'redaction',
    controlId: REDACTION_CONTROL_ID,
    system: origin,
    actor: { id: req.approver, kind: 'human' },
    subject: { id: origin, kind: 'system' },
    occurredAt: formatTimestamp(ledger.clock()),
    ticket: req.ticket,
    targetIndex: req.targetIndex,
    targetLeafHash: toHex(target.leafHash),
    reason: req.reason,
  };
  // A redaction record carries no secret either: the same gate as every record.
  const validated = validateRecord(record);
  if (!validated.ok) throw new EvidenceError('INVALID_RECORD', validated.problems.map((p) => p.message).join('; '), validated.problems);

  let approvals = 0;
  let applied = false;
  const result = await ledger.appendWithin(req.approver, [validated.record as EvidenceRecord], ([entry]) => {
    // Again inside the transaction: a concurrent request may have changed the answer meanwhile.
    refuseConflicts(ledger, req);
    store.redactions.addApproval(entry!.index, req.targetIndex, req.approver);
    approvals = store.redactions.approvers(req.targetIndex).length;
    if (approvals >= required) {
      store.redactions.apply(store.log.entry(req.targetIndex)!, entry!.index, store.search.indexedThrough());
      applied = true;
    }
  });
  const walTruncated = applied ? ledger.truncateWal() : true;
  return { entry: result.entries[0]!, approvals, required, applied, walTruncated };
}

function refuseConflicts(ledger: Ledger, req: RedactionRequest): void {
  const { store } = ledger;
  const by = store.redactions.redactedBy(req.targetIndex);
  if (by !== undefined) throw new LedgerError('REDACTION_CONFLICT', `entry ${req.targetIndex} was already redacted by entry ${by}`, 'index');
  const target = store.log.entry(req.targetIndex);
  if (target?.type === 'redaction') throw new LedgerError('REDACTION_CONFLICT', `entry ${req.targetIndex} is a redaction entry; redactions cannot be redacted`, 'index');
  if (store.redactions.approvers(req.targetIndex).includes(req.approver)) {
    throw new LedgerError('REDACTION_CONFLICT', `${req.approver} has already asked to redact entry ${req.targetIndex}; another admin must approve`, 'index');
  }
}
