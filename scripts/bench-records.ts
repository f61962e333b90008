/**
 * Evidence records for the benchmarks and the bulk loader: valid version 1 records of several
 * types, varied by a number so the query indexes see realistic spread, and about the size a
 * posting system sends (the canonical leaf of one is ~400 bytes with its envelope).
 */
import type { EvidenceRecord } from '../src/evidence/index.js';

/** Distinct values per column: a mid-size company's controls, systems and people. */
const CONTROLS = 40;
const SYSTEMS = 120;
const ACTORS = 2_000;

/** A deterministic record of a type chosen by `n`, distinct in its subject and credential ids. */
export function benchRecord(n: number): EvidenceRecord {
  const common = {
    controlId: `ITGC-AC-${(n % CONTROLS).toString().padStart(2, '0')}`,
    system: `system-${n % SYSTEMS}-prod`,
    actor: { id: `user-${n % ACTORS}@example.com`, kind: 'human' as const },
    subject: { id: `svc-${n}`, kind: 'service_account' as const },
    occurredAt: '2026-09-14T02:00:00Z',
  };
  switch (n % 4) {
    case 0:
      return {
        type: 'rotation',
        ...common,
        actor: { id: 'spiffe://corp/vault-rotator', kind: 'workload' },
        ticket: `CHG-${20_000 + (n % 10_000)}`,
        credentialId: `akid-${n.toString(16)}`,
        previousFingerprint: 'sha256:4b1e0c8f2d6a',
        newFingerprint: `sha256:9ac0${n.toString(16).padStart(8, '0')}`,
        nextRotationDue: '2026-12-13T02:00:00Z',
      };
    case 1:
      return { type: 'approval', ...common, entitlement: 'sap:FI_POSTING', decision: 'approved', expiresAt: '2027-01-01T00:00:00Z' };
    case 2:
      return { type: 'access_review', ...common, entitlement: 'github:org/admin', decision: 'certified', campaignId: 'Q3-2026' };
    default:
      return {
        type: 'change',
        ...common,
        changeId: `CHG-${n}`,
        environment: 'production',
        approvedBy: { id: 'cab@example.com', kind: 'human' },
        details: { pipeline: 'deploy-prod', commit: n.toString(16).padStart(40, '0') },
      };
  }
}

/** The ~300-byte rotation record of the issue text, as a posting system would send it. */
export const SAMPLE_BODY = JSON.stringify(benchRecord(0));
