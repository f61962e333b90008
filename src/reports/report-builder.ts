/**
 * A control's report computed in one pass over its history (contract, "Control reports"), in
 * index order, without holding the history: per-entry rules decide at once; rotation_overdue keeps
 * per credential the issuances whose due can fall in the window and the times that could resolve
 * them; remediation_overdue keeps per exception id its first `opened` entry and its earliest
 * resolution. So memory grows with the control's credentials and exception ids, never the log.
 *
 * The definition in force (the history's `control` entry with the greatest index) must be known
 * before the pass: the server looks it up first, a verifier takes the one its bundle names.
 * `finish` refuses when the pass met a later `control` entry than the one given.
 */
import type { ControlTests, EvidenceRecord } from '../evidence/record.js';
import { formatTimestamp } from '../evidence/envelope.js';
import { DAY_MS, HOUR_MS, instantMs } from './time.js';
import type { ControlReport, ReportEntry, ReportException, ReportResult, ReportScope, Rule } from './types.js';

export interface Definition {
  index: number;
  tests: ControlTests;
}

export class ReportError extends Error {
  constructor(
    readonly code: 'NOT_IN_ORDER' | 'OTHER_CONTROL' | 'DEFINITION_MISMATCH',
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

interface CredentialState {
  /** rotation/credential_issuance entries whose due falls in the window: [index, occurredAt ms]. */
  candidates: [number, number][];
  /** occurredAt of every rotation, issuance or revocation of the credential that could resolve one. */
  resolvers: number[];
}

interface ExceptionIdState {
  opened?: { index: number; dueMs: number | undefined };
  /** Earliest occurredAt of a remediated/accepted/closed entry: a resolution exists by `due` iff this <= due. */
  earliestResolution: number;
}

export class ReportBuilder {
  private lastIndex = -1;
  /** Entries of the history met so far (population or not). */
  historySize = 0;
  private lastControl: number | null = null;
  private count = 0;
  private readonly byType = new Map<string, number>();
  private readonly found: ReportException[] = [];
  private readonly credentials = new Map<string, CredentialState>();
  private readonly exceptionIds = new Map<string, ExceptionIdState>();
  private readonly tests: ControlTests | undefined;

  constructor(
    readonly scope: ReportScope,
    private readonly definition: Definition | null,
  ) {
    this.tests = definition?.tests;
  }

  /** Adds the next entry of the control's history (increasing index). Entries outside the history are skipped. */
  add(e: ReportEntry): void {
    if (e.index <= this.lastIndex) throw new ReportError('NOT_IN_ORDER', `entry ${e.index} comes after entry ${this.lastIndex}`);
    this.lastIndex = e.index;
    if (e.index >= this.scope.anchor.treeSize) return;
    if (e.receivedAt !== null && instantMs(e.receivedAt) >= this.scope.asOfMs) return;
    const r = e.record;
    if (r !== null && r.controlId !== this.scope.controlId) {
      throw new ReportError('OTHER_CONTROL', `entry ${e.index} belongs to control ${JSON.stringify(r.controlId)}`);
    }
    this.historySize++;
    const inPopulation = e.index >= this.scope.firstIndex && r?.type !== 'control';
    if (inPopulation) {
      this.count++;
      const type = r === null ? 'redacted' : r.type;
      this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    }
    if (r === null) return; // hash only: no rule reads it
    if (r.type === 'control') this.lastControl = e.index;
    if (!this.tests) return;
    this.historyRules(e.index, r, this.tests);
    if (inPopulation) this.populationRules(e.index, r, this.tests);
  }

  private historyRules(index: number, r: EvidenceRecord, t: ControlTests): void {
    if (t.rotationMaxDays !== undefined) {
      const span = t.rotationMaxDays * DAY_MS;
      if (r.type === 'rotation' || r.type === 'credential_issuance') {
        const at = instantMs(r.occurredAt);
        const state = this.credential(r.credentialId);
        if (this.inWindow(at + span)) state.candidates.push([index, at]);
        this.resolver(state, at, span);
      } else if (r.type === 'revocation' && r.credentialId !== undefined) {
        this.resolver(this.credential(r.credentialId), instantMs(r.occurredAt), span);
      }
    }
    if (t.remediationGraceDays !== undefined && r.type === 'exception') {
      let state = this.exceptionIds.get(r.exceptionId);
      if (!state) this.exceptionIds.set(r.exceptionId, (state = { earliestResolution: Infinity }));
      if (r.status === 'opened') {
        state.opened ??= {
          index,
          dueMs: r.remediationDue === undefined ? undefined : instantMs(r.remediationDue) + t.remediationGraceDays * DAY_MS,
        };
      } else {
        state.earliestResolution = Math.min(state.earliestResolution, instantMs(r.occurredAt));
      }
    }
  }

  private populationRules(index: number, r: EvidenceRecord, t: ControlTests): void {
    const hit = (rule: Rule): void => void this.found.push({ rule, index });
    if (t.revocationGraceHours !== undefined && r.type === 'revocation' && r.scheduledAt !== undefined) {
      if (instantMs(r.occurredAt) > instantMs(r.scheduledAt) + t.revocationGraceHours * HOUR_MS) hit('revocation_late');
    }
    if (t.maxCredentialLifetimeDays !== undefined && r.type === 'credential_issuance' && !r.ephemeral) {
      if (instantMs(r.expiresAt) - instantMs(r.occurredAt) > t.maxCredentialLifetimeDays * DAY_MS) hit('credential_lifetime');
    }
    if (t.requireTicket === true && r.type === 'privileged_session' && r.ticket === undefined) hit('session_without_ticket');
    if (t.segregationOfDuties === true) {
      if (r.type === 'approval' && r.decision === 'approved' && r.requestedBy !== undefined && r.requestedBy.id === r.actor.id) hit('self_approval');
      if (r.type === 'change') {
        if (r.approvedBy === undefined) hit('change_unapproved');
        else if (r.approvedBy.id === r.actor.id) hit('self_approval');
      }
    }
  }

  private credential(id: string): CredentialState {
    let state = this.credentials.get(id);
    if (!state) this.credentials.set(id, (state = { candidates: [], resolvers: [] }));
    return state;
  }

  /** A time resolves a candidate only if it lies in (t, t + span] with t + span in the window. */
  private resolver(state: CredentialState, at: number, span: number): void {
    if (at > this.scope.startMs - span && at < this.scope.asOfMs) state.resolvers.push(at);
  }

  private inWindow(due: number): boolean {
    return this.scope.startMs <= due && due < this.scope.asOfMs;
  }

  /** The report. Throws DEFINITION_MISMATCH when the history's latest `control` entry is not the definition given. */
  finish(): ControlReport {
    const given = this.definition?.index ?? null;
    if (this.lastControl !== given) {
      throw new ReportError('DEFINITION_MISMATCH', `the definition in force is entry ${this.lastControl ?? 'none'}, not ${given ?? 'none'}`);
    }
    const exceptions = [...this.found, ...this.rotationExceptions(), ...this.remediationExceptions()];
    exceptions.sort((a, b) => a.index - b.index || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    const byType: Record<string, number> = {};
    for (const type of [...this.byType.keys()].sort()) byType[type] = this.byType.get(type)!;
    const result: ReportResult =
      given === null ? 'undefined' : exceptions.length > 0 ? 'exceptions' : this.count === 0 ? 'no_evidence' : 'effective';
    const s = this.scope;
    return {
      v: 1,
      period: s.period,
      controlId: s.controlId,
      provisional: s.provisional,
      asOf: formatTimestamp(s.asOfMs),
      anchor: { treeSize: s.anchor.treeSize, rootHash: s.anchor.rootHash },
      definition: given,
      population: { count: this.count, byType },
      exceptions,
      result,
    };
  }

  private *rotationExceptions(): Generator<ReportException> {
    const span = (this.tests?.rotationMaxDays ?? 0) * DAY_MS;
    for (const [credentialId, state] of this.credentials) {
      const times = state.resolvers.sort((a, b) => a - b);
      for (const [index, at] of state.candidates) {
        const next = firstAbove(times, at);
        if (next !== undefined && next <= at + span) continue;
        yield { rule: 'rotation_overdue', index, credentialId, due: formatTimestamp(at + span) };
      }
    }
  }

  private *remediationExceptions(): Generator<ReportException> {
    for (const [exceptionId, state] of this.exceptionIds) {
      const due = state.opened?.dueMs;
      if (!state.opened || due === undefined || !this.inWindow(due) || state.earliestResolution <= due) continue;
      yield { rule: 'remediation_overdue', index: state.opened.index, exceptionId, due: formatTimestamp(due) };
    }
  }
}

/** The smallest element of sorted `xs` strictly greater than `x`. */
function firstAbove(xs: readonly number[], x: number): number | undefined {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return xs[lo];
}

/** The report of a whole history at once (tests, small callers): finds the definition itself. */
export function computeReport(scope: ReportScope, history: readonly ReportEntry[]): ControlReport {
  let definition: Definition | null = null;
  for (const e of history) {
    const r = e.record;
    if (r?.type === 'control' && e.index < scope.anchor.treeSize && (e.receivedAt === null || instantMs(e.receivedAt) < scope.asOfMs)) {
      if (definition === null || e.index > definition.index) definition = { index: e.index, tests: r.tests };
    }
  }
  const builder = new ReportBuilder(scope, definition);
  for (const e of history) builder.add(e);
  return builder.finish();
}
