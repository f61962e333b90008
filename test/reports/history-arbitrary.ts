/**
 * Random evidence histories for the report property tests: a few controls, a few credentials and
 * exception ids so that rules meet (rotations resolve each other, exceptions get remediated late),
 * received over three quarters of 2026, each record occurring up to 60 days before it is received.
 */
import fc from 'fast-check';

export const CONTROLS = ['ITGC-AC-01', 'ITGC-AC-02', 'ITGC-CM-03'] as const;
const Q1 = Date.parse('2026-01-01T00:00:00.000Z');
const Q3_END = Date.parse('2026-10-01T00:00:00.000Z');
const DAY = 86_400_000;

export interface PlannedEntry {
  receivedAtMs: number;
  record: Record<string, unknown>;
  /** Tick (sign a checkpoint and close what has ended) just before appending this one. */
  tickBefore: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const person = fc.constantFrom('alice', 'bob', 'carol');
const identity = (id: string) => ({ id, kind: 'human' });

const tests = fc.record(
  {
    rotationMaxDays: fc.integer({ min: 1, max: 60 }),
    revocationGraceHours: fc.integer({ min: 0, max: 72 }),
    remediationGraceDays: fc.integer({ min: 0, max: 20 }),
    maxCredentialLifetimeDays: fc.integer({ min: 1, max: 200 }),
    requireTicket: fc.boolean(),
    segregationOfDuties: fc.boolean(),
  },
  { requiredKeys: [] },
);

function recordArb(occurredMs: number) {
  const occurredAt = iso(occurredMs);
  const common = (controlId: string, actor: string, subject: string, ticket: boolean) => ({
    controlId,
    system: 'sap-fi-prod',
    actor: identity(actor),
    subject: identity(subject),
    occurredAt,
    ...(ticket ? { ticket: 'CHG-1' } : {}),
  });
  const days = (n: number) => iso(occurredMs + n * DAY);
  return fc
    .tuple(fc.constantFrom(...CONTROLS), person, person, fc.boolean(), fc.constantFrom('k1', 'k2', 'k3'), fc.constantFrom('x1', 'x2'), fc.integer({ min: -40, max: 120 }))
    .chain(([controlId, actor, subject, ticket, credentialId, exceptionId, n]) => {
      const c = common(controlId, actor, subject, ticket);
      return fc.oneof(
        fc.constant({ type: 'rotation', ...c, credentialId, newFingerprint: 'sha256:4b1e' }),
        fc.boolean().map((ephemeral) => ({ type: 'credential_issuance', ...c, credentialId, credentialType: 'api_key', expiresAt: days(Math.abs(n) + 1), ephemeral })),
        fc.boolean().map((scheduled) => ({
          type: 'revocation',
          ...c,
          credentialId,
          reason: 'left the company',
          ...(scheduled ? { scheduledAt: iso(occurredMs - (n % 5) * 3_600_000 * 13) } : {}),
        })),
        fc.tuple(fc.constantFrom('opened', 'remediated', 'accepted', 'closed'), fc.boolean()).map(([status, due]) => ({
          type: 'exception',
          ...c,
          exceptionId,
          category: 'policy_exception',
          status,
          reason: 'temporary access',
          ...(due ? { remediationDue: days(n % 30) } : {}),
        })),
        fc.constant({ type: 'privileged_session', ...c, sessionId: 's1', startedAt: occurredAt }),
        fc.option(person).map((approver) => ({ type: 'change', ...c, changeId: 'c1', environment: 'prod', ...(approver ? { approvedBy: identity(approver) } : {}) })),
        fc.tuple(fc.constantFrom('approved', 'rejected'), fc.option(person)).map(([decision, by]) => ({
          type: 'approval',
          ...c,
          entitlement: 'GL_POST',
          decision,
          ...(by ? { requestedBy: identity(by) } : {}),
        })),
        { weight: 4, arbitrary: tests.map((t) => ({ type: 'control', ...c, frequency: 'quarterly', description: 'the control', tests: t })) },
      );
    });
}

/** 5 to `max` entries received in order over 2026-Q1..Q3, with the ticks in between. */
export function historyArb(max = 40): fc.Arbitrary<PlannedEntry[]> {
  return fc
    .array(fc.tuple(fc.integer({ min: Q1, max: Q3_END - 1 }), fc.integer({ min: 0, max: 60 * DAY }), fc.boolean()), { minLength: 5, maxLength: max })
    .chain((items) => {
      const sorted = [...items].sort((a, b) => a[0] - b[0]);
      return fc.tuple(...sorted.map(([received, back, tick]) =>
        recordArb(received - back).map((record): PlannedEntry => ({ receivedAtMs: received, record, tickBefore: tick })),
      ));
    });
}
