/**
 * Hand-written valid records, one per type, as posting systems would send them. The
 * rotation example is the contract's own ("Evidence records (version 1)"), with its `…`
 * replaced by full SHA-256 hex.
 */
export const contractRotationExample = {
  type: 'rotation',
  controlId: 'ITGC-AC-07',
  system: 'payments-api-prod',
  actor: { id: 'spiffe://corp/vault-rotator', kind: 'workload' },
  subject: { id: 'svc-ledger-export', kind: 'service_account' },
  occurredAt: '2026-09-14T02:00:00Z',
  ticket: 'CHG-20931',
  credentialId: 'akid-7f3c',
  previousFingerprint: 'sha256:4b1e5d0c8f2a9e7b3c6d1f4a8e2b5c9d0f3a6e1b4c7d2a5f8e0b3c6d9f1a4e7b',
  newFingerprint: 'sha256:9ac0f3e6b1d4a7c2e5f8b0d3a6c9e2f5b8d1a4c7e0f3b6d9a2c5e8f1b4d7a0c3',
  nextRotationDue: '2026-12-13T02:00:00Z',
};

const alice = { id: 'alice@corp.example', kind: 'human' };

export const validExamples: Record<string, Record<string, unknown>> = {
  approval: {
    type: 'approval',
    controlId: 'ITGC-AC-04',
    system: 'sap-fi-prod',
    actor: alice,
    subject: { id: 'bob@corp.example', kind: 'human' },
    occurredAt: '2026-07-01T09:30:00+02:00',
    ticket: 'REQ-1187',
    entitlement: 'SAP_FI_AP_CLERK',
    decision: 'approved',
    expiresAt: '2026-12-31T23:59:59Z',
    requestedBy: { id: 'carol@corp.example', kind: 'human' },
  },
  revocation: {
    type: 'revocation',
    controlId: 'ITGC-AC-05',
    system: 'aws-prod',
    actor: { id: 'arn:aws:iam::123456789012:role/offboarding', kind: 'workload' },
    subject: { id: 'dave@corp.example', kind: 'human' },
    occurredAt: '2026-08-03T17:04:11.250Z',
    entitlement: 'arn:aws:iam::123456789012:group/billing-admins',
    reason: 'Leaver: HR termination event 2026-08-03',
    scheduledAt: '2026-08-03T17:00:00Z',
  },
  rotation: contractRotationExample,
  access_review: {
    type: 'access_review',
    controlId: 'ITGC-AC-09',
    system: 'workday-prod',
    actor: alice,
    subject: { id: 'svc-payroll-sync', kind: 'service_account' },
    occurredAt: '2026-09-30T12:00:00Z',
    entitlement: 'CN=Payroll-Admins,OU=Groups,DC=corp,DC=example',
    decision: 'certified',
    campaignId: 'Q3-2026-UAR',
  },
  credential_issuance: {
    type: 'credential_issuance',
    controlId: 'ITGC-AC-11',
    system: 'ci-prod',
    actor: { id: 'spiffe://corp/ns/ci/sa/token-broker', kind: 'workload' },
    subject: { id: 'spiffe://corp/ns/deploy/sa/release', kind: 'workload' },
    occurredAt: '2026-09-14T02:00:00.123456789-05:00',
    credentialId: 'wt-2026-09-14-0001',
    credentialType: 'workload_token',
    expiresAt: '2026-09-14T03:00:00Z',
    ephemeral: true,
    fingerprint: 'sha256:0b4fa3c1d2e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1',
  },
  privileged_session: {
    type: 'privileged_session',
    controlId: 'ITGC-AC-12',
    system: 'oracle-gl-prod',
    actor: { id: 'erin@corp.example', kind: 'human' },
    subject: { id: 'oracle-sys', kind: 'system' },
    occurredAt: '2026-09-02T22:15:00Z',
    sessionId: 'pam-88213',
    startedAt: '2026-09-02T22:15:00Z',
    endedAt: '2026-09-02T22:41:37Z',
    recordingRef: 'https://pam.corp.example/recordings/pam-88213',
  },
  exception: {
    type: 'exception',
    controlId: 'ITGC-AC-04',
    system: 'sap-fi-prod',
    actor: { id: 'frank@corp.example', kind: 'human' },
    subject: { id: 'firefighter-01', kind: 'service_account' },
    occurredAt: '2026-09-20T03:12:00Z',
    ticket: 'INC-5521',
    exceptionId: 'EXC-2026-031',
    category: 'emergency_access',
    status: 'opened',
    reason: 'Month-end close blocked by a failed posting job; firefighter ID used under INC-5521.',
    remediationDue: '2026-09-27T00:00:00Z',
  },
  change: {
    type: 'change',
    controlId: 'ITGC-CM-02',
    system: 'payments-api-prod',
    actor: { id: 'deploy-bot', kind: 'api_key' },
    subject: { id: 'payments-api', kind: 'system' },
    occurredAt: '2026-09-10T14:00:00Z',
    changeId: 'CHG-20931',
    environment: 'production',
    approvedBy: { id: 'grace@corp.example', kind: 'human' },
    details: { commit: '4f2a9c1', pipeline: { id: 8812, stage: 'deploy', retries: 0, canary: 0.25 } },
  },
  redaction: {
    type: 'redaction',
    controlId: 'LEDGER-REDACTION',
    system: 'ledger.corp.example/evidence',
    actor: { id: 'security-admin', kind: 'human' },
    subject: { id: 'ledger.corp.example/evidence', kind: 'system' },
    occurredAt: '2026-09-15T08:00:00.000Z',
    ticket: 'SEC-3301',
    targetIndex: 41,
    targetLeafHash: '9ac0f3e6b1d4a7c2e5f8b0d3a6c9e2f5b8d1a4c7e0f3b6d9a2c5e8f1b4d7a0c3',
    reason: 'A database password was posted in details.note of entry 41 (SEC-3301).',
  },
  control: {
    type: 'control',
    controlId: 'ITGC-AC-07',
    system: 'payments-api-prod',
    actor: { id: 'grc-admin@corp.example', kind: 'human' },
    subject: { id: 'iam-owner@corp.example', kind: 'human' },
    occurredAt: '2026-07-01T09:00:00Z',
    ticket: 'GRC-118',
    frequency: 'continuous',
    description: 'Service-account credentials are rotated at least every 90 days and revoked within a day of being scheduled.',
    tests: { rotationMaxDays: 90, revocationGraceHours: 24, maxCredentialLifetimeDays: 365 },
  },
};

/** A deep copy with `changes` applied; a value of `undefined` deletes that member. */
export function variant(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(base);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}
