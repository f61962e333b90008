/** The shapes of control reports (contract, "Control reports (version 1)"). */
import type { EvidenceRecord } from '../evidence/record.js';

export const RULES = [
  'rotation_overdue',
  'revocation_late',
  'remediation_overdue',
  'credential_lifetime',
  'session_without_ticket',
  'self_approval',
  'change_unapproved',
] as const;
export type Rule = (typeof RULES)[number];

export type ReportResult = 'undefined' | 'exceptions' | 'no_evidence' | 'effective';

/**
 * One entry of a control's history as the rules read it. `record` is null for an entry known only
 * by its hash (redacted, issue 11): it counts under `byType.redacted` and no rule reads it, and
 * its `receivedAt` is then unknown, so membership of the population goes by index (receivedAt
 * never decreases with the index, so "s <= receivedAt" is "index >= the first index at s").
 */
export interface ReportEntry {
  index: number;
  /** Lowercase hex. */
  leafHash: string;
  receivedAt: string | null;
  record: EvidenceRecord | null;
}

export interface ReportException {
  rule: Rule;
  index: number;
  credentialId?: string;
  exceptionId?: string;
  /** RFC 3339 UTC with milliseconds. */
  due?: string;
}

export interface ReportAnchor {
  treeSize: number;
  /** Lowercase hex. */
  rootHash: string;
}

export interface Population {
  count: number;
  byType: Record<string, number>;
}

export interface ControlReport {
  v: 1;
  period: string;
  controlId: string;
  provisional: boolean;
  asOf: string;
  anchor: ReportAnchor;
  definition: number | null;
  population: Population;
  exceptions: ReportException[];
  result: ReportResult;
}

/** A row of the all-controls summary: counts instead of lists. */
export interface ControlSummary {
  controlId: string;
  definition: number | null;
  population: number;
  exceptions: number;
  result: ReportResult;
}

export interface PeriodReportSummary {
  period: string;
  provisional: boolean;
  asOf: string;
  anchor: ReportAnchor;
  controls: ControlSummary[];
}

/** What fixes a report besides the entries: the period, its window and the anchor. */
export interface ReportScope {
  period: string;
  controlId: string;
  provisional: boolean;
  /** Period start s, epoch ms. */
  startMs: number;
  /** asOf, epoch ms (the period's end once closed). */
  asOfMs: number;
  anchor: ReportAnchor;
  /** First index whose receivedAt >= s (for entries known by hash alone). */
  firstIndex: number;
}
