/**
 * What is overdue now for one control (contract, `GET /v1/monitor`): the control owner's view
 * between closes. Ours, since the contract names the three kinds but not their details:
 *  - rotation_overdue: a credential whose latest rotation or issuance (by occurredAt) is older
 *    than `rotationMaxDays` and that has not been revoked since;
 *  - remediation_overdue: an exception id whose first `opened` entry has a `remediationDue`
 *    (plus `remediationGraceDays`) in the past and no remediated/accepted/closed entry at all;
 *  - revocation_pending: an approved `approval` whose `expiresAt` (plus `revocationGraceHours`)
 *    has passed, or an `access_review` decided `revoked`, with no `revocation` of that
 *    entitlement for that subject occurring at or after it.
 * Each rule runs only when the definition in force turns it on, as in reports. One pass in index
 * order; state per credential, exception id and (subject, entitlement) pair.
 */
import { formatTimestamp } from '../evidence/envelope.js';
import type { ControlTests } from '../evidence/record.js';
import { DAY_MS, HOUR_MS, instantMs } from './time.js';
import type { ReportEntry } from './types.js';

export type MonitorRule = 'rotation_overdue' | 'remediation_overdue' | 'revocation_pending';

export interface MonitorItem {
  rule: MonitorRule;
  /** RFC 3339 UTC with milliseconds; in the past. */
  due: string;
  credentialId?: string;
  exceptionId?: string;
  subject?: string;
  entitlement?: string;
  /** The entries behind the item, by index. */
  entries: number[];
}

interface Latest {
  at: number;
  index: number;
}

export class MonitorBuilder {
  private readonly issued = new Map<string, Latest>();
  private readonly revoked = new Map<string, number>();
  private readonly opened = new Map<string, { index: number; due: number | undefined }>();
  private readonly resolved = new Set<string>();
  private readonly grants = new Map<string, { subject: string; entitlement: string; index: number; due: number; at: number }>();
  private readonly removals = new Map<string, number>();

  constructor(
    private readonly tests: ControlTests | undefined,
    private readonly nowMs: number,
  ) {}

  add(e: ReportEntry): void {
    const r = e.record;
    if (!r || !this.tests) return;
    const at = instantMs(r.occurredAt);
    if (r.type === 'rotation' || r.type === 'credential_issuance') {
      const prev = this.issued.get(r.credentialId);
      if (!prev || at >= prev.at) this.issued.set(r.credentialId, { at, index: e.index });
    } else if (r.type === 'revocation') {
      if (r.credentialId !== undefined) this.revoked.set(r.credentialId, Math.max(this.revoked.get(r.credentialId) ?? -Infinity, at));
      if (r.entitlement !== undefined) {
        const key = pairKey(r.subject.id, r.entitlement);
        this.removals.set(key, Math.max(this.removals.get(key) ?? -Infinity, at));
      }
    } else if (r.type === 'exception') {
      if (r.status === 'opened') {
        if (!this.opened.has(r.exceptionId)) this.opened.set(r.exceptionId, { index: e.index, due: r.remediationDue === undefined ? undefined : instantMs(r.remediationDue) });
      } else {
        this.resolved.add(r.exceptionId);
      }
    } else if (r.type === 'approval' && r.decision === 'approved' && r.expiresAt !== undefined) {
      this.grant(r.subject.id, r.entitlement, e.index, instantMs(r.expiresAt), at);
    } else if (r.type === 'access_review' && r.decision === 'revoked') {
      this.grant(r.subject.id, r.entitlement, e.index, at, at);
    }
  }

  private grant(subject: string, entitlement: string, index: number, due: number, at: number): void {
    const key = pairKey(subject, entitlement);
    const prev = this.grants.get(key);
    if (!prev || due >= prev.due) this.grants.set(key, { subject, entitlement, index, due, at });
  }

  items(): MonitorItem[] {
    const t = this.tests;
    const out: MonitorItem[] = [];
    if (!t) return out;
    if (t.rotationMaxDays !== undefined) {
      for (const [credentialId, last] of this.issued) {
        const due = last.at + t.rotationMaxDays * DAY_MS;
        if (due <= this.nowMs && !((this.revoked.get(credentialId) ?? -Infinity) > last.at)) {
          out.push({ rule: 'rotation_overdue', due: formatTimestamp(due), credentialId, entries: [last.index] });
        }
      }
    }
    if (t.remediationGraceDays !== undefined) {
      for (const [exceptionId, o] of this.opened) {
        if (o.due === undefined || this.resolved.has(exceptionId)) continue;
        const due = o.due + t.remediationGraceDays * DAY_MS;
        if (due <= this.nowMs) out.push({ rule: 'remediation_overdue', due: formatTimestamp(due), exceptionId, entries: [o.index] });
      }
    }
    if (t.revocationGraceHours !== undefined) {
      for (const [key, g] of this.grants) {
        const due = g.due + t.revocationGraceHours * HOUR_MS;
        if (due <= this.nowMs && !((this.removals.get(key) ?? -Infinity) >= g.at)) {
          out.push({ rule: 'revocation_pending', due: formatTimestamp(due), subject: g.subject, entitlement: g.entitlement, entries: [g.index] });
        }
      }
    }
    return out.sort((a, b) => a.entries[0]! - b.entries[0]! || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  }
}

function pairKey(subject: string, entitlement: string): string {
  return JSON.stringify([subject, entitlement]);
}
