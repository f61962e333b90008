/** A real ledger on a temporary SQLite file, with a fixed test key and one token per role. */
import path from 'node:path';
import { nodeCrypto } from '../../src/crypto/node.js';
import { generateSignerKey, type SignerKey, type WitnessPolicy } from '../../src/note/index.js';
import { Ledger, type LedgerSettings } from '../../src/ledger/ledger.js';
import { Store } from '../../src/store/index.js';
import { createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import type { BodyPreparer } from '../../src/http/prepare-pool.js';
import { generateToken, ROLES, type Role } from '../../src/http/tokens.js';
import { describedHandlers } from './openapi-check.js';
// Every answer supertest receives from the app below is checked against the OpenAPI document.
import './openapi-setup.js';
import { tempDir } from './tmp.js';
import { freshSchemaUrl, testingOnPostgres } from './pg-schema.js';

export const TEST_ORIGIN = 'ledger.test/log';
export const TEST_SETTINGS: LedgerSettings = {
  batchMax: 1000,
  batchWaitMs: 1,
  queueMax: 20_000,
  checkpointIntervalMs: 1000,
  fiscalYearStart: 1,
};

export function testSigner(label = 'test-log-key'): SignerKey {
  return generateSignerKey(nodeCrypto, TEST_ORIGIN, nodeCrypto.sha256(new TextEncoder().encode(label)));
}

export interface TestLedger {
  ledger: Ledger;
  store: Store;
  signer: SignerKey;
  dbPath: string;
  tokens: Record<Role, string>;
  /** The server's request handler: the append fast path, then the express app. */
  app: ReturnType<typeof createHandler>;
  now: { ms: number };
  cleanup(): void;
}

export function openTestLedger(
  opts: {
    settings?: Partial<LedgerSettings>;
    adminToken?: string;
    nowMs?: number;
    preparer?: BodyPreparer;
    /** A witness policy (its witnesses' URLs are asked to cosign once `ledger.start()` runs). */
    witnessPolicy?: WitnessPolicy;
    /** Always a SQLite file, even in a PostgreSQL run: for tests that read or tamper with the file itself. */
    sqliteFile?: boolean;
    /** Always PostgreSQL (needs LEDGER_TEST_DATABASE_URL): for tests of what only PostgreSQL does. */
    postgres?: boolean;
  } = {},
): TestLedger {
  const t = tempDir();
  // LEDGER_TEST_BACKEND=postgres runs the same tests on a fresh PostgreSQL schema (test/support/pg-schema.ts).
  const pg = opts.postgres || (testingOnPostgres() && !opts.sqliteFile) ? freshSchemaUrl() : undefined;
  const dbPath = pg?.url ?? path.join(t.dir, 'ledger.db');
  const store = Store.open(dbPath);
  const signer = testSigner();
  const now = { ms: opts.nowMs ?? Date.parse('2026-09-14T02:00:00.000Z') };
  const ledger = Ledger.open({
    store,
    signer,
    crypto: nodeCrypto,
    settings: { ...TEST_SETTINGS, ...opts.settings },
    clock: () => now.ms,
    ...(opts.witnessPolicy ? { witnessPolicy: opts.witnessPolicy, witnessRetryMaxMs: 100 } : {}),
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const g = generateToken(role);
    store.tokens.add({ id: g.id, hash: g.hash, role, source: `test-${role}`, createdAt: 'x', expiresAt: null });
    tokens[role] = g.token;
  }
  const app = createHandler({ ledger, logger: createLogger((process.env.LEDGER_TEST_LOG_LEVEL ?? 'silent') as 'silent'), adminToken: opts.adminToken, ...(opts.preparer ? { preparer: opts.preparer } : {}) });
  describedHandlers.add(app);
  return {
    ledger,
    store,
    signer,
    dbPath,
    tokens,
    app,
    now,
    cleanup() {
      ledger.close();
      store.close();
      pg?.drop();
      t.cleanup();
    },
  };
}

/** A valid evidence record of each kind the tests need; `n` makes it distinct. */
export function rotation(n = 0): Record<string, unknown> {
  return {
    type: 'rotation',
    controlId: 'ITGC-AC-07',
    system: 'payments-api-prod',
    actor: { id: 'spiffe://corp/vault-rotator', kind: 'workload' },
    subject: { id: `svc-ledger-export-${n}`, kind: 'service_account' },
    occurredAt: '2026-09-14T02:00:00Z',
    ticket: 'CHG-20931',
    credentialId: 'akid-7f3c',
    previousFingerprint: 'sha256:4b1e0c8f',
    newFingerprint: `sha256:9ac0${n.toString(16).padStart(4, '0')}`,
    nextRotationDue: '2026-12-13T02:00:00Z',
  };
}

export function approval(n = 0, system = 'sap-fi-prod'): Record<string, unknown> {
  return {
    type: 'approval',
    controlId: 'ITGC-AC-04',
    system,
    actor: { id: 'alice@example.com', kind: 'human' },
    subject: { id: `svc-${n}`, kind: 'service_account' },
    occurredAt: '2026-09-13T10:00:00Z',
    entitlement: 'sap:FI_POSTING',
    decision: 'approved',
  };
}
