/**
 * Example: a CI pipeline step records the approval of a production deploy before it runs.
 *
 * In the pipeline (GitHub Actions names shown; any CI has equivalents):
 *   - run: node dist/docs/examples/ci-deploy-approval.js
 *     env:
 *       LEDGER_URL: https://ledger.example.com
 *       LEDGER_TOKEN: ${{ secrets.LEDGER_WRITER_TOKEN }}
 *       LEDGER_VERIFIER_KEY: ${{ vars.LEDGER_VERIFIER_KEY }}
 *       DEPLOY_APPROVER: ${{ github.event.review.user.login }}
 *       DEPLOY_APPROVED_AT: ${{ github.event.review.submitted_at }}
 *       DEPLOY_ENVIRONMENT: production
 * The step fails (and so blocks the deploy) unless the approval is durable in the ledger and,
 * with LEDGER_VERIFIER_KEY, proven in a signed checkpoint.
 *
 * Outside this repository, import from 'evidence-ledger/sdk' instead of the relative path.
 */
import { LedgerClient, type EvidenceRecord } from '../../src/sdk/index.js';

const e = process.env;

function required(name: string): string {
  const value = e[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Built only from the pipeline's event, so a retried step sends the very same record (a replay, not a 409). */
function deployApproval(): EvidenceRecord {
  const run = e.GITHUB_RUN_ID ?? required('CI_RUN_ID');
  return {
    type: 'change',
    controlId: 'ITGC-CM-02',
    system: e.DEPLOY_SYSTEM ?? e.GITHUB_REPOSITORY ?? 'payments-api',
    actor: { id: e.CI_WORKLOAD_ID ?? `ci:${e.GITHUB_WORKFLOW ?? 'deploy'}`, kind: 'workload' },
    subject: { id: e.DEPLOY_SERVICE_ACCOUNT ?? 'svc-deployer', kind: 'service_account' },
    occurredAt: required('DEPLOY_APPROVED_AT'),
    changeId: `${run}-${e.GITHUB_RUN_ATTEMPT ?? '1'}`,
    environment: e.DEPLOY_ENVIRONMENT ?? 'production',
    approvedBy: { id: required('DEPLOY_APPROVER'), kind: 'human' },
    details: { commit: e.GITHUB_SHA ?? e.CI_COMMIT_SHA ?? 'unknown' },
  };
}

async function main(): Promise<void> {
  const record = deployApproval();
  const verifierKey = e.LEDGER_VERIFIER_KEY;
  const client = new LedgerClient({ url: required('LEDGER_URL'), token: required('LEDGER_TOKEN'), ...(verifierKey ? { verify: { verifierKey } } : {}) });
  // One key per pipeline run attempt: a retried step records the approval once.
  const receipt = await client.post(record, { idempotencyKey: `deploy-approval-${record.type === 'change' ? record.changeId : ''}` });
  console.log(JSON.stringify({ index: receipt.index, leafHash: receipt.leafHash, replayed: receipt.replayed, checkpointSize: receipt.verified?.treeSize ?? null }));
}

main().catch((err: unknown) => {
  console.error(`deploy approval NOT recorded, refusing to deploy: ${(err as Error).message}`);
  process.exitCode = 1;
});
