/**
 * Example: a secret manager's post-rotation hook records the rotation as evidence.
 *
 * The rotation tool runs it after each successful rotation with the event in the environment:
 *   LEDGER_URL, LEDGER_TOKEN (a writer token), LEDGER_VERIFIER_KEY (optional: verify the receipt),
 *   ROTATION_EVENT_ID, ROTATED_AT (RFC 3339, from the event), CREDENTIAL_ID, SUBJECT_ID, NEW_FINGERPRINT,
 *   PREVIOUS_FINGERPRINT (optional),
 *   NEXT_ROTATION_DUE (optional, RFC 3339).
 * Only fingerprints leave the secret manager, never key material: the ledger refuses records that
 * look like secrets anyway.
 *
 *   npm run build && node dist/docs/examples/credential-rotation-hook.js
 *
 * Outside this repository, import from 'evidence-ledger/sdk' instead of the relative path.
 */
import { LedgerClient, type EvidenceRecord } from '../../src/sdk/index.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Built only from the event, so a redelivered event makes the very same record (and so a replay, not a 409). */
function rotationRecord(e: NodeJS.ProcessEnv): EvidenceRecord {
  return {
    type: 'rotation',
    controlId: 'ITGC-AC-07',
    system: e.ROTATED_SYSTEM ?? 'payments-api-prod',
    actor: { id: e.ROTATOR_ID ?? 'spiffe://corp/vault-rotator', kind: 'workload' },
    subject: { id: env('SUBJECT_ID'), kind: 'service_account' },
    occurredAt: env('ROTATED_AT'),
    credentialId: env('CREDENTIAL_ID'),
    newFingerprint: env('NEW_FINGERPRINT'),
    ...(e.PREVIOUS_FINGERPRINT ? { previousFingerprint: e.PREVIOUS_FINGERPRINT } : {}),
    ...(e.NEXT_ROTATION_DUE ? { nextRotationDue: e.NEXT_ROTATION_DUE } : {}),
  };
}

async function main(): Promise<void> {
  const verifierKey = process.env.LEDGER_VERIFIER_KEY;
  const client = new LedgerClient({
    url: env('LEDGER_URL'),
    token: env('LEDGER_TOKEN'),
    ...(verifierKey ? { verify: { verifierKey } } : {}),
  });
  // The event id as Idempotency-Key: if the hook is delivered twice, the rotation is recorded once.
  const receipt = await client.post(rotationRecord(process.env), { idempotencyKey: `rotation-${env('ROTATION_EVENT_ID')}` });
  const proof = receipt.verified ? ` (verified in the checkpoint of size ${receipt.verified.treeSize})` : '';
  console.log(`recorded rotation of ${receipt.entry.record.subject.id} as entry ${receipt.index}, leaf ${receipt.leafHash}${receipt.replayed ? ', already recorded' : ''}${proof}`);
}

main().catch((err: unknown) => {
  // Fail the hook loudly: a rotation without evidence is a control gap someone must see.
  console.error(`rotation evidence NOT recorded: ${(err as Error).message}`);
  process.exitCode = 1;
});
