/**
 * Workload identity issuers made in the test: keys generated here, JWK Sets written to a
 * temporary folder, and tokens with the claim shapes the real issuers send (GitHub Actions,
 * GitLab CI, Kubernetes projected service-account tokens, SPIFFE JWT-SVIDs, Google Cloud and
 * Azure workload identity), as their documentation shows them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type Alg = 'RS256' | 'ES256' | 'EdDSA';

export interface TestKey {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function testKey(kid: string, alg: Alg): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

export function jwksOf(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export function writeJwks(dir: string, name: string, ...keys: TestKey[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(jwksOf(...keys)));
  return file;
}

/** Signs `claims` as they are (no defaults added), with the key's alg and kid in the header. */
export function signJwt(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

const s = (ms: number) => Math.floor(ms / 1000);

/** https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect */
export function githubClaims(nowMs: number, aud: string): JWTPayload {
  return {
    jti: 'example-id',
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    environment: 'prod',
    aud,
    ref: 'refs/heads/main',
    sha: 'example-sha',
    repository: 'octo-org/octo-repo',
    repository_owner: 'octo-org',
    repository_owner_id: '9',
    actor_id: '12',
    repository_visibility: 'private',
    repository_id: '74',
    workflow: 'example-workflow',
    head_ref: '',
    base_ref: '',
    event_name: 'workflow_dispatch',
    ref_type: 'branch',
    job_workflow_ref: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
    iss: 'https://token.actions.githubusercontent.com',
    nbf: s(nowMs) - 5,
    exp: s(nowMs) + 300,
    iat: s(nowMs),
    run_id: '2042',
    run_number: '5',
    run_attempt: '1',
    actor: 'octocat',
    runner_environment: 'github-hosted',
  };
}

/** https://docs.gitlab.com/ci/secrets/id_token_authentication/ */
export function gitlabClaims(nowMs: number, aud: string): JWTPayload {
  return {
    namespace_id: '72',
    namespace_path: 'my-group',
    project_id: '20',
    project_path: 'my-group/my-project',
    user_id: '1',
    user_login: 'sample-user',
    user_email: 'sample-user@example.com',
    user_identities: [{ provider: 'github', extern_uid: '2435223452345' }],
    pipeline_id: '574',
    pipeline_source: 'push',
    job_id: '302',
    ref: 'main',
    ref_type: 'branch',
    ref_path: 'refs/heads/main',
    ref_protected: 'true',
    environment: 'production',
    environment_protected: 'true',
    deployment_tier: 'production',
    runner_id: 1,
    runner_environment: 'gitlab-hosted',
    sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
    project_visibility: 'private',
    ci_config_ref_uri: 'gitlab.example.com/my-group/my-project//.gitlab-ci.yml@refs/heads/main',
    ci_config_sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
    jti: '235b3a54-b797-45c7-ae9a-f72d7bc6ef5b',
    iss: 'https://gitlab.example.com',
    iat: s(nowMs),
    nbf: s(nowMs) - 5,
    exp: s(nowMs) + 3600,
    sub: 'project_path:my-group/my-project:ref_type:branch:ref:main',
    aud,
  };
}

/** https://kubernetes.io/docs/concepts/security/service-accounts/ (a projected, bound token). */
export function kubernetesClaims(nowMs: number, aud: string): JWTPayload {
  return {
    aud: [aud],
    exp: s(nowMs) + 3607,
    iat: s(nowMs),
    iss: 'https://kubernetes.default.svc.cluster.local',
    jti: '7c8a9b4e-05a5-4b5b-bd9d-1d8fae1d2a10',
    'kubernetes.io': {
      namespace: 'payments',
      node: { name: 'node-a', uid: '646e7c5e-32d6-4d42-9dbd-e504e6cbe6b1' },
      pod: { name: 'exporter-5d8f9c7b6-x2x9q', uid: '5e0bd49b-f040-43b0-99b7-22765a53f7f3' },
      serviceaccount: { name: 'evidence-exporter', uid: '14ee3fa4-a7e2-420f-9f9a-dbc4507c3798' },
    },
    nbf: s(nowMs),
    sub: 'system:serviceaccount:payments:evidence-exporter',
  };
}

/** https://github.com/spiffe/spiffe/blob/main/standards/JWT-SVID.md (SPIRE with jwt_issuer set). */
export function spiffeClaims(nowMs: number, aud: string): JWTPayload {
  return {
    aud: [aud],
    exp: s(nowMs) + 300,
    iat: s(nowMs),
    iss: 'https://oidc.spire.example.org',
    sub: 'spiffe://example.org/ns/payments/sa/evidence-exporter',
  };
}

/** https://cloud.google.com/compute/docs/instances/verifying-instance-identity (format=full). */
export function gcpClaims(nowMs: number, aud: string): JWTPayload {
  return {
    aud,
    azp: '107517467455664443765',
    email: 'evidence-exporter@payments-prod.iam.gserviceaccount.com',
    email_verified: true,
    exp: s(nowMs) + 3600,
    google: {
      compute_engine: {
        instance_creation_timestamp: 1700000000,
        instance_id: '4529785432587239874',
        instance_name: 'exporter-1',
        project_id: 'payments-prod',
        project_number: 739419398126,
        zone: 'europe-west1-b',
      },
    },
    iat: s(nowMs),
    iss: 'https://accounts.google.com',
    sub: '107517467455664443765',
  };
}

/** https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference (v2.0, managed identity). */
export function azureClaims(nowMs: number, aud: string): JWTPayload {
  const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  return {
    aud,
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    iat: s(nowMs),
    nbf: s(nowMs),
    exp: s(nowMs) + 86_399,
    aio: 'E2ZgYJjY8n7Y',
    azp: 'b7a3f6a0-55d0-4b2e-9c52-2c4ad3a3b1f4',
    azpacr: '2',
    idtyp: 'app',
    oid: '0b7a4c1f-9f1e-4a51-8b0a-6f6b1e2f3d4c',
    rh: '0.AAAA',
    sub: '0b7a4c1f-9f1e-4a51-8b0a-6f6b1e2f3d4c',
    tid,
    uti: 'q1w2e3r4t5',
    ver: '2.0',
    xms_mirid: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/payments/providers/Microsoft.ManagedIdentity/userAssignedIdentities/evidence-exporter',
  };
}
