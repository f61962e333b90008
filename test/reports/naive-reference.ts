/**
 * A deliberately naive control report, written straight from ../shared/CONTRACT.md ("Control
 * reports (version 1)") with the whole history in memory and every rule as a nested loop. It shares
 * no code with src/reports: it exists so that the property tests compare two independent readings
 * of the contract text.
 */
import { createHash } from 'node:crypto';

/** An entry as the contract speaks of it: index, leaf hash, receivedAt and the record (null: redacted). */
export interface NaiveEntry {
  index: number;
  leafHash: string;
  receivedAt: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  record: any;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** "fractional seconds beyond milliseconds are dropped" */
function ms(t: string): number {
  return Date.parse(t.replace(/(\.\d{3})\d+/, '$1'));
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

export function naiveReport(args: {
  period: string;
  controlId: string;
  provisional: boolean;
  start: string;
  asOf: string;
  anchor: { treeSize: number; rootHash: string };
  entries: NaiveEntry[]; // every entry of the log, any control
}): unknown {
  const s = ms(args.start);
  const asOf = ms(args.asOf);
  // "The history is every entry in the anchor's tree with record.controlId = C and receivedAt < asOf."
  const history = args.entries.filter(
    (e) => e.index < args.anchor.treeSize && ms(e.receivedAt) < asOf && (e.record === null ? false : e.record.controlId === args.controlId),
  );
  // "The population is the history's entries with s <= receivedAt and a type other than control."
  const population = history.filter((e) => s <= ms(e.receivedAt) && (e.record === null || e.record.type !== 'control'));
  // "The definition in force is the history's control entry with the greatest index."
  const defs = history.filter((e) => e.record !== null && e.record.type === 'control');
  const def = defs.length === 0 ? null : defs.reduce((a, b) => (b.index > a.index ? b : a));
  const byType: Record<string, number> = {};
  for (const e of population) {
    const type = e.record === null ? 'redacted' : e.record.type;
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const sortedByType: Record<string, number> = {};
  for (const k of Object.keys(byType).sort()) sortedByType[k] = byType[k]!;

  const exceptions: Record<string, unknown>[] = [];
  const inWindow = (due: number) => s <= due && due < asOf;
  const readable = (list: NaiveEntry[]) => list.filter((e) => e.record !== null);
  if (def) {
    const t = def.record.tests;
    if (t.rotationMaxDays !== undefined) {
      const keyed = readable(history).filter((e) => e.record.type === 'rotation' || e.record.type === 'credential_issuance');
      for (const r of keyed) {
        const k = r.record.credentialId;
        const time = ms(r.record.occurredAt);
        const due = time + t.rotationMaxDays * DAY;
        const resolved = readable(history).some(
          (o) =>
            o.index !== r.index &&
            (((o.record.type === 'rotation' || o.record.type === 'credential_issuance') && o.record.credentialId === k) ||
              (o.record.type === 'revocation' && o.record.credentialId === k)) &&
            ms(o.record.occurredAt) > time &&
            ms(o.record.occurredAt) <= due,
        );
        if (!resolved && inWindow(due)) exceptions.push({ rule: 'rotation_overdue', index: r.index, credentialId: k, due: iso(due) });
      }
    }
    if (t.revocationGraceHours !== undefined) {
      for (const e of readable(population)) {
        const r = e.record;
        if (r.type === 'revocation' && r.scheduledAt !== undefined && ms(r.occurredAt) > ms(r.scheduledAt) + t.revocationGraceHours * HOUR) {
          exceptions.push({ rule: 'revocation_late', index: e.index });
        }
      }
    }
    if (t.remediationGraceDays !== undefined) {
      const ids = new Set(readable(history).filter((e) => e.record.type === 'exception').map((e) => e.record.exceptionId));
      for (const x of ids) {
        const opened = readable(history)
          .filter((e) => e.record.type === 'exception' && e.record.exceptionId === x && e.record.status === 'opened')
          .sort((a, b) => a.index - b.index)[0];
        if (!opened || opened.record.remediationDue === undefined) continue;
        const due = ms(opened.record.remediationDue) + t.remediationGraceDays * DAY;
        const resolved = readable(history).some(
          (e) =>
            e.record.type === 'exception' &&
            e.record.exceptionId === x &&
            ['remediated', 'accepted', 'closed'].includes(e.record.status) &&
            ms(e.record.occurredAt) <= due,
        );
        if (!resolved && inWindow(due)) exceptions.push({ rule: 'remediation_overdue', index: opened.index, exceptionId: x, due: iso(due) });
      }
    }
    if (t.maxCredentialLifetimeDays !== undefined) {
      for (const e of readable(population)) {
        const r = e.record;
        if (r.type === 'credential_issuance' && r.ephemeral === false && ms(r.expiresAt) - ms(r.occurredAt) > t.maxCredentialLifetimeDays * DAY) {
          exceptions.push({ rule: 'credential_lifetime', index: e.index });
        }
      }
    }
    if (t.requireTicket === true) {
      for (const e of readable(population)) {
        if (e.record.type === 'privileged_session' && e.record.ticket === undefined) exceptions.push({ rule: 'session_without_ticket', index: e.index });
      }
    }
    if (t.segregationOfDuties === true) {
      for (const e of readable(population)) {
        const r = e.record;
        if (r.type === 'approval' && r.decision === 'approved' && r.requestedBy !== undefined && r.requestedBy.id === r.actor.id) {
          exceptions.push({ rule: 'self_approval', index: e.index });
        }
        if (r.type === 'change' && r.approvedBy !== undefined && r.approvedBy.id === r.actor.id) exceptions.push({ rule: 'self_approval', index: e.index });
        if (r.type === 'change' && r.approvedBy === undefined) exceptions.push({ rule: 'change_unapproved', index: e.index });
      }
    }
  }
  exceptions.sort((a, b) => (a.index as number) - (b.index as number) || String(a.rule).localeCompare(String(b.rule)));
  const result = def === null ? 'undefined' : exceptions.length > 0 ? 'exceptions' : population.length === 0 ? 'no_evidence' : 'effective';
  return {
    v: 1,
    period: args.period,
    controlId: args.controlId,
    provisional: args.provisional,
    asOf: args.asOf,
    anchor: args.anchor,
    definition: def === null ? null : def.index,
    population: { count: population.length, byType: sortedByType },
    exceptions,
    result,
  };
}

/** The contract's sample, naively: score every population entry with node:crypto, sort, take `size`. */
export function naiveSample(args: { period: string; controlId: string; nonce: string; size: number; rootHash: string; population: { index: number; leafHash: string }[] }) {
  const seed = createHash('sha256').update(`evidence-ledger/sample/v1\n${args.period}\n${args.controlId}\n${args.nonce}\n${args.rootHash}\n`, 'utf8').digest();
  const scored = args.population.map((e) => ({ e, score: createHash('sha256').update(seed).update(Buffer.from(e.leafHash, 'hex')).digest('hex') }));
  scored.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : 0));
  return { seed: seed.toString('hex'), sample: scored.slice(0, args.size).map((x) => ({ index: x.e.index, leafHash: x.e.leafHash })) };
}
