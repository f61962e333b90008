/**
 * Service configuration from environment variables, validated once at start-up. Every bad value
 * is reported at once, each under its variable's name, so one failed start shows all the fixes.
 * An empty variable counts as unset (compose files and shells produce them easily).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, userInfo } from 'node:os';
import { z } from 'zod';
import { nodeCrypto } from './crypto/node.js';
import { parseWitnessPolicy, type WitnessPolicy } from './note/index.js';
import { policyNameProblems } from './ledger/witness-names.js';
import { DEFAULT_WITNESS_RETRY_MAX_MS } from './ledger/witness-client.js';
import { DEFAULT_ACCESS_CONTROL_ID, DEFAULT_DEV_TOKEN_TTL_DAYS, DEFAULT_TOKEN_TTL_DAYS } from './evidence/access-records.js';
import { MAX_CONTROL_ID_LENGTH, MAX_ID_LENGTH } from './evidence/index.js';
import { loadTrustedIssuers, type TrustedIssuer } from './identity/oidc-config.js';

/** The contract's default port. */
export const DEFAULT_PORT = 8080;
/**
 * Loopback, so a development run never exposes the ledger by accident; a container sets
 * HOST=0.0.0.0 explicitly to be reachable.
 */
export const DEFAULT_HOST = '127.0.0.1';
/** The contract's default database path. */
export const DEFAULT_DB_PATH = './data/ledger.db';
/** Beside the database by convention; created on the first start when missing. */
export const DEFAULT_KEY_FILE = './keys/ledger.key';
/** A name that is obviously local; production sets its own (it is also the key name). */
export const DEFAULT_ORIGIN = 'localhost/evidence-ledger';
/** The contract's default: a new entry is covered by a signed checkpoint within about a second. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
/** Below this, signing would mostly produce checkpoints that differ only in time. */
export const MIN_CHECKPOINT_INTERVAL_MS = 10;
/** Calendar quarters and years unless told otherwise. */
export const DEFAULT_FISCAL_YEAR_START = 1;
/** One transaction per this many entries at most: big enough to amortise the fsync, small enough to keep latency flat. */
export const DEFAULT_BATCH_MAX = 1000;
/**
 * How long the sequencer waits for more records before committing. 0: commit at the end of the
 * event-loop turn, with everything that arrived in it, while the previous fsync gathered the
 * next batch; measured better than a 2 ms wait at every concurrency (docs/performance.md).
 */
export const DEFAULT_BATCH_WAIT_MS = 0;
/** Records waiting for a commit before new ones get 503: bounds memory and tells clients to back off. */
export const DEFAULT_QUEUE_MAX = 20_000;
/**
 * Threads that parse and validate append bodies (src/http/prepare-pool.ts): one core less than
 * the machine has, which the sequencer's thread keeps; at least one. 0 prepares inline.
 */
export const DEFAULT_PREPARE_THREADS = Math.max(1, availableParallelism() - 1);
export const DEFAULT_LOG_LEVEL = 'info';

/** How often a follower asks the shared database to become the sequencer (PostgreSQL); also bounds takeover time. */
export const DEFAULT_LEADER_POLL_MS = 1000;

/** Admins whose approval a redaction needs before the leaf is removed (contract, "Redaction"); 2 for a two-person rule. */
export const DEFAULT_REDACTION_APPROVALS = 1;
/** Long enough that the admin token cannot be guessed. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/**
 * Request-body bytes in flight: 8 requests of the contract's 1 MiB limit. Parsed, validated and
 * encoded, a body costs about ten times its size in memory (measured: scripts/bench-hardening.ts),
 * and 8 large batches already keep the sequencer busy.
 */
export const DEFAULT_BODY_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
/** setTimeout fires at once for delays above 2^31 - 1 ms, so no interval may exceed it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who may read GET /metrics: an admin token, anyone, or nobody (not served). */
export const METRICS_ACCESS = ['admin', 'public', 'off'] as const;
export type MetricsAccess = (typeof METRICS_ACCESS)[number];
export const DEFAULT_METRICS_ACCESS: MetricsAccess = 'admin';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  dbPath: string;
  /** LEDGER_DATABASE_URL: PostgreSQL instead of the SQLite file at dbPath (issue 16). */
  databaseUrl?: string;
  keyFile: string;
  origin: string;
  checkpointIntervalMs: number;
  adminToken: string | undefined;
  /** Month (1–12) in which the fiscal year starts. */
  fiscalYearStart: number;
  batchMax: number;
  batchWaitMs: number;
  queueMax: number;
  prepareThreads: number;
  /** Request-body bytes held at once before appends are refused with 503 (src/http/body-budget.ts). */
  bodyBytesInFlight: number;
  logLevel: LogLevel;
  /** LEDGER_WITNESS_POLICY: a C2SP tlog-policy file, parsed; undefined: the ledger runs unwitnessed. */
  witnessPolicy: WitnessPolicy | undefined;
  witnessPolicyFile: string | undefined;
  witnessRetryMaxMs: number;
  /** LEDGER_OIDC: trusted workload-identity issuers, read and checked at start-up; empty when unset. */
  oidcIssuers: TrustedIssuer[];
  /** LEDGER_ACCESS_CONTROL_ID: the control id of the ledger's own access records. */
  accessControlId: string;
  /** LEDGER_TOKEN_TTL_DAYS: expiry of a token issued without one. */
  tokenTtlDays: number;
  /** LEDGER_DEV_TOKEN_TTL_DAYS: expiry of the first start's development tokens. */
  devTokenTtlDays: number;
  /** LEDGER_OPERATOR: who starts the service, the actor of start-up access records (default `os-user:<login>`). */
  operator: string;
  /** LEDGER_METRICS: who may read /metrics on the main port. */
  metrics: MetricsAccess;
  /** LEDGER_METRICS_PORT: a second listener (on HOST) serving only /metrics, to anyone; undefined for none. */
  metricsPort: number | undefined;
  /** LEDGER_REDACTION_APPROVALS: distinct admins who must ask before a redaction removes a leaf. */
  redactionApprovals: number;
  /** LEDGER_LEADER_POLL_MS: how often a follower tries to become the sequencer (shared PostgreSQL database). */
  leaderPollMs: number;
  /** LEDGER_ADVERTISE_URL: where this instance serves, told to clients of followers while it leads. */
  advertiseUrl: string | undefined;
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/** Plain decimal digits only: `1e3`, `0x10`, `+5`, ` 5` and `5.0` are all refused. */
function integer(fallback: number, min: number, max: number) {
  return z
    .string()
    .regex(/^[0-9]+$/, 'must be a whole number written in decimal digits')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);
}

/** C2SP signed-note key names (the origin is one): non-empty, no spaces, no `+`. */
const ORIGIN = z
  .string()
  .regex(/^[^\s+\p{Cc}]+$/u, 'must be non-empty, without whitespace, control characters or "+" (C2SP signed-note key name)')
  .default(DEFAULT_ORIGIN);

/** RFC 6750 §2.1 b64token characters, so the token can be sent in an Authorization header. */
const ADMIN_TOKEN = z
  .string()
  .min(MIN_ADMIN_TOKEN_LENGTH, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`)
  .regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'may only use letters, digits and -._~+/ (then = padding)')
  .optional();

const nonBlank = (fallback: string) => z.string().regex(/^\S(.*\S)?$/s, 'must not start or end with whitespace').default(fallback);

const ENV_SCHEMA = z.object({
  PORT: integer(DEFAULT_PORT, 0, 65535),
  HOST: z.string().regex(/^[^\s]+$/, 'must not contain whitespace').default(DEFAULT_HOST),
  LEDGER_DB: nonBlank(DEFAULT_DB_PATH),
  LEDGER_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// (or postgresql://) URL; leave it unset for the SQLite file LEDGER_DB')
    .optional(),
  LEDGER_KEY_FILE: nonBlank(DEFAULT_KEY_FILE),
  LEDGER_ORIGIN: ORIGIN,
  LEDGER_CHECKPOINT_INTERVAL_MS: integer(DEFAULT_CHECKPOINT_INTERVAL_MS, MIN_CHECKPOINT_INTERVAL_MS, MAX_TIMER_MS),
  LEDGER_ADMIN_TOKEN: ADMIN_TOKEN,
  LEDGER_FISCAL_YEAR_START: integer(DEFAULT_FISCAL_YEAR_START, 1, 12),
  LEDGER_BATCH_MAX: integer(DEFAULT_BATCH_MAX, 1, 1_000_000),
  LEDGER_BATCH_WAIT_MS: integer(DEFAULT_BATCH_WAIT_MS, 0, MAX_TIMER_MS),
  LEDGER_QUEUE_MAX: integer(DEFAULT_QUEUE_MAX, 1, 10_000_000),
  LEDGER_PREPARE_THREADS: integer(DEFAULT_PREPARE_THREADS, 0, 64),
  LEDGER_WITNESS_POLICY: z.string().optional(),
  LEDGER_WITNESS_RETRY_MAX_MS: integer(DEFAULT_WITNESS_RETRY_MAX_MS, 10, MAX_TIMER_MS),
  LEDGER_METRICS: z.enum(METRICS_ACCESS, { error: `must be one of ${METRICS_ACCESS.join(', ')}` }).default(DEFAULT_METRICS_ACCESS),
  LEDGER_METRICS_PORT: integer(0, 0, 65535).optional(),
  LEDGER_BODY_BYTES_IN_FLIGHT: integer(DEFAULT_BODY_BYTES_IN_FLIGHT, 1024 * 1024, 2 ** 40),
  LEDGER_REDACTION_APPROVALS: integer(DEFAULT_REDACTION_APPROVALS, 1, 10),
  LEDGER_LEADER_POLL_MS: integer(DEFAULT_LEADER_POLL_MS, 10, MAX_TIMER_MS),
  LEDGER_ADVERTISE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) URL without spaces, query or fragment, e.g. https://ledger-1.internal:8080')
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default(DEFAULT_LOG_LEVEL),
  LEDGER_OIDC: z.string().regex(/^\S(.*\S)?$/s, 'must not start or end with whitespace').optional(),
  LEDGER_ACCESS_CONTROL_ID: z
    .string()
    .max(MAX_CONTROL_ID_LENGTH, `must be at most ${MAX_CONTROL_ID_LENGTH} characters`)
    .regex(/^[^\s\p{Cc}]+$/u, 'must be non-empty, without whitespace or control characters')
    .default(DEFAULT_ACCESS_CONTROL_ID),
  LEDGER_TOKEN_TTL_DAYS: integer(DEFAULT_TOKEN_TTL_DAYS, 1, 3650),
  LEDGER_DEV_TOKEN_TTL_DAYS: integer(DEFAULT_DEV_TOKEN_TTL_DAYS, 1, 3650),
  LEDGER_OPERATOR: z
    .string()
    .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
    .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')
    .optional(),
});

export const CONFIG_VARIABLES = Object.keys(ENV_SCHEMA.shape) as readonly (keyof typeof ENV_SCHEMA.shape)[];

/** Reads and validates the configuration; throws one {@link ConfigError} listing every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = ENV_SCHEMA.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })));
  }
  const e = parsed.data;
  const witnessPolicy = e.LEDGER_WITNESS_POLICY === undefined ? undefined : loadWitnessPolicy(e.LEDGER_WITNESS_POLICY);
  let oidcIssuers: TrustedIssuer[] = [];
  if (e.LEDGER_OIDC !== undefined) {
    const loaded = loadTrustedIssuers(e.LEDGER_OIDC);
    if ('problems' in loaded) {
      throw new ConfigError(loaded.problems.map((p) => ({ variable: 'LEDGER_OIDC', message: p.at ? `${e.LEDGER_OIDC} ${p.at}: ${p.message}` : p.message })));
    }
    oidcIssuers = loaded.issuers;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.LEDGER_DB,
    ...(e.LEDGER_DATABASE_URL ? { databaseUrl: e.LEDGER_DATABASE_URL } : {}),
    keyFile: e.LEDGER_KEY_FILE,
    origin: e.LEDGER_ORIGIN,
    checkpointIntervalMs: e.LEDGER_CHECKPOINT_INTERVAL_MS,
    adminToken: e.LEDGER_ADMIN_TOKEN,
    fiscalYearStart: e.LEDGER_FISCAL_YEAR_START,
    batchMax: e.LEDGER_BATCH_MAX,
    batchWaitMs: e.LEDGER_BATCH_WAIT_MS,
    queueMax: e.LEDGER_QUEUE_MAX,
    prepareThreads: e.LEDGER_PREPARE_THREADS,
    bodyBytesInFlight: e.LEDGER_BODY_BYTES_IN_FLIGHT,
    logLevel: e.LOG_LEVEL,
    witnessPolicy,
    witnessPolicyFile: e.LEDGER_WITNESS_POLICY,
    witnessRetryMaxMs: e.LEDGER_WITNESS_RETRY_MAX_MS,
    oidcIssuers,
    accessControlId: e.LEDGER_ACCESS_CONTROL_ID,
    tokenTtlDays: e.LEDGER_TOKEN_TTL_DAYS,
    devTokenTtlDays: e.LEDGER_DEV_TOKEN_TTL_DAYS,
    operator: e.LEDGER_OPERATOR ?? defaultOperator(),
    metrics: e.LEDGER_METRICS,
    metricsPort: input.LEDGER_METRICS_PORT === undefined ? undefined : e.LEDGER_METRICS_PORT,
    redactionApprovals: e.LEDGER_REDACTION_APPROVALS,
    leaderPollMs: e.LEDGER_LEADER_POLL_MS,
    advertiseUrl: e.LEDGER_ADVERTISE_URL?.replace(/\/+$/, ''),
  };
}

/** Whoever runs the process: the best attribution of a start-up when LEDGER_OPERATOR is not set. */
function defaultOperator(): string {
  try {
    return `os-user:${userInfo().username}`;
  } catch {
    return 'os-user:unknown';
  }
}

/**
 * Reads and checks the witness policy: C2SP tlog-policy syntax, witness names the ledger may
 * store, and a URL for every witness (the ledger must reach each one to ask for cosignatures).
 */
function loadWitnessPolicy(file: string): WitnessPolicy {
  const problem = (message: string) => new ConfigError([{ variable: 'LEDGER_WITNESS_POLICY', message: `${file}: ${message}` }]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw problem(`cannot read the policy file: ${(err as Error).message}`);
  }
  let policy: WitnessPolicy;
  try {
    policy = parseWitnessPolicy(nodeCrypto, text);
  } catch (err) {
    throw problem((err as Error).message);
  }
  const problems = policyNameProblems(policy);
  for (const w of policy.witnesses) {
    if (w.url === undefined) problems.push(`witness ${w.name} has no URL (witness <name> <vkey> <url>): the ledger could not ask it to cosign`);
    else if (!/^https?:\/\/[^\s]+$/.test(w.url)) problems.push(`witness ${w.name}: URL ${JSON.stringify(w.url)} is not an http(s) URL`);
  }
  if (problems.length) throw problem(problems.join('; '));
  return policy;
}
