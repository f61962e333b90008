/**
 * Starts the ledger service: configuration, store, signing key, ledger, HTTP. Used by
 * `ledger serve` (and so `npm start`) and by tests that need a real server on a port.
 */
import { BodyBudget } from '../http/body-budget.js';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { nodeCrypto } from '../crypto/node.js';
import { createHandler } from '../http/app.js';
import { listenForMetrics } from '../http/metrics-server.js';
import { createMetrics } from '../metrics/metrics.js';
import { WorkerPreparer, inlinePreparer } from '../http/prepare-pool.js';
import { createLogger, type Logger } from '../http/request-log.js';
import { ROLES, type Role } from '../http/tokens.js';
import { AccessRecorder } from '../ledger/access-recorder.js';
import { createWorkloadVerifier } from '../identity/workload-verifier.js';
import type { Clock } from '../ledger/clock.js';
import { Ledger } from '../ledger/ledger.js';
import { LeaderElection } from '../ledger/leader-election.js';
import { loadOrCreateSigningKey } from '../ledger/signing-key.js';
import { formatVerifierKey } from '../note/index.js';
import { Store, StoreError, asStoreError, isPostgresUrl } from '../store/index.js';
import { redactedUrl } from '../store/pg/pg-store.js';
import type { Identity } from '../evidence/index.js';

export interface RunningService {
  server: Server;
  ledger: Ledger;
  store: Store;
  /** Bound address, e.g. http://127.0.0.1:8080 */
  url: string;
  /** The LEDGER_METRICS_PORT listener's URL, when there is one. */
  metricsUrl?: string;
  /** The dev tokens printed on the first start of a new database, if any. */
  devTokens?: Record<Role, string>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger?: Logger;
  clock?: Clock;
  /** Where first-run messages (verifier key, dev tokens) go; default stdout. */
  print?: (line: string) => void;
  /**
   * A shared database's leadership was lost (another instance leads now). Default: exit with
   * EXIT_LEADERSHIP_LOST at once (crash-only: the supervisor restarts the service as a follower).
   */
  onLeadershipLost?: (reason: string) => void;
}

/** The exit status after a lost leadership (sysexits.h EX_TEMPFAIL: restart me). */
export const EXIT_LEADERSHIP_LOST = 75;

/** How often expired tokens are looked for and their expiry recorded in the log. */
export const EXPIRY_SWEEP_MS = 60_000;

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // A shared database (PostgreSQL) may have other instances: start as a follower, lead when granted.
  const target = config.databaseUrl ?? config.dbPath;
  const shared = isPostgresUrl(target);
  const store = Store.open(target, shared ? { follower: true, onMaintenance: (message, level) => logger[level](message) } : {});
  let election: LeaderElection | undefined;
  /** The HTTP server once it listens: a lost leadership lets its answers (503 not-leader) go out before the exit. */
  let listening: Server | undefined;
  try {
    // A new database may get a new key; a database that already holds a log never does.
    const isNewLog = store.meta('verifier_key') === undefined;
    const { key, created, warning } = loadKey(config, isNewLog);
    if (warning) logger.warn(warning);
    const ledger = Ledger.open({
      store,
      signer: key,
      crypto: nodeCrypto,
      settings: config,
      ...(options.clock ? { clock: options.clock } : {}),
      onError: (message, err) => logger.error({ err }, message),
      ...(config.witnessPolicy ? { witnessPolicy: config.witnessPolicy, witnessRetryMaxMs: config.witnessRetryMaxMs } : {}),
      onWitnessLog: (level, message, fields) => logger[level](fields ?? {}, message),
      role: shared ? 'follower' : 'leader',
    });
    checkPolicyNamesThisLog(config, ledger.key().verifierKey);
    if (created) print(`Created signing key ${config.keyFile}\nVerifier key: ${ledger.key().verifierKey}`);
    const access = new AccessRecorder(ledger, { controlId: config.accessControlId, tokenTtlDays: config.tokenTtlDays, devTokenTtlDays: config.devTokenTtlDays });
    // The operator's start-up changes (key, trusted issuers) and expiries that passed while down,
    // before any request: the sequencer's first work (a follower does it once promoted).
    const operator = { id: config.operator, kind: 'human' as const };
    let devTokens: Record<Role, string> | undefined;
    // Fails closed: trusted issuers whose trust could not be recorded (a ledger that refuses
    // appends, e.g. halted signing) are not trusted; reads and static tokens still work.
    // A follower trusts the configured issuers: the leader records them (each instance's start does).
    let startupRecorded = shared;
    const firstWorkAsLeader = async () => {
      startupRecorded = await access.recordStartup(operator, config.oidcIssuers).then(
        () => true,
        (err: unknown) => {
          logger.error({ err }, 'cannot record the start-up access changes in the log; workload identity tokens are not accepted');
          return false;
        },
      );
      await access.recordExpiries().catch((err: unknown) => logger.error({ err }, 'recording token expiries failed'));
      const newLog = isNewLog || store.meta('verifier_key') === undefined;
      if (newLog && !config.adminToken && store.tokens.total() === 0) devTokens = await issueDevTokens(access, operator, print);
    };
    if (shared) {
      ledger.start();
      election = new LeaderElection({
        leadership: store,
        ledger,
        holder: `${hostname()}:${process.pid}`,
        url: config.advertiseUrl ?? null,
        pollMs: config.leaderPollMs,
        onPromoted: async (term) => {
          logger.info({ term: term.term, treeSize: ledger.size }, 'this instance is now the sequencer (leader)');
          await firstWorkAsLeader();
        },
        onLost: (reason) => {
          logger.fatal({ reason }, `LEADERSHIP LOST: ${reason}; this instance stopped writing and exits (status ${EXIT_LEADERSHIP_LOST}) to restart as a follower`);
          (options.onLeadershipLost ?? (() => exitAfterAnswers(listening)))(reason);
        },
        onError: (message, err) => logger.error({ err }, message),
      });
      await election.start();
    } else {
      await firstWorkAsLeader();
      ledger.start();
    }

    const preparer = config.prepareThreads > 0 ? await WorkerPreparer.start(config.prepareThreads, { onError: (message, err) => logger.error({ err }, message) }) : inlinePreparer();
    const workload = startupRecorded && config.oidcIssuers.length > 0 ? createWorkloadVerifier(config.oidcIssuers, { now: ledger.clock }) : undefined;
    const metrics = createMetrics(ledger);
    const handler = createHandler({ ledger, logger, adminToken: config.adminToken, preparer, workload, access, metrics, metricsAccess: config.metrics, bodyBudget: new BodyBudget(config.bodyBytesInFlight) });
    let metricsServer: Server | undefined;
    const server = await new Promise<Server>((resolve, reject) => {
      const s = createServer(handler).listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    })
      .then(async (s) => {
        if (config.metricsPort !== undefined) metricsServer = await listenForMetrics(metrics, config.metricsPort, config.host).catch((err: unknown) => {
          s.close();
          throw err;
        });
        return s;
      })
      .catch(async (err: unknown) => {
        await preparer.close();
        throw err;
      });
    listening = server;
    const sweep = setInterval(() => {
      if (ledger.role().role !== 'leader') return;
      access.recordExpiries().catch((err: unknown) => logger.error({ err }, 'recording token expiries failed'));
    }, EXPIRY_SWEEP_MS);
    sweep.unref();
    const url = urlOf(server);
    const metricsUrl = metricsServer ? urlOf(metricsServer) : undefined;
    logger.info({ url, ...(metricsUrl ? { metricsUrl } : {}), origin: ledger.key().origin, treeSize: ledger.size, ...ledger.role() }, 'evidence ledger listening');

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        metricsServer?.close();
        metricsServer?.closeAllConnections();
      }).then(async () => {
        election?.stop();
        clearInterval(sweep);
        await preparer.close();
        ledger.close();
        store.close();
      }));
    return { server, ledger, store, url, ...(metricsUrl ? { metricsUrl } : {}), ...(devTokens ? { devTokens } : {}), close };
  } catch (err) {
    election?.stop();
    store.close();
    throw err;
  }
}

/** How long a process that lost its leadership waits for answers already being written before it exits. */
const LOST_LEADERSHIP_GRACE_MS = 500;

/**
 * Crash-only after a lost leadership: accept nothing more, let the answers in flight (each a
 * 503 not-leader: the queue was failed) reach their clients, and exit EXIT_LEADERSHIP_LOST
 * within LOST_LEADERSHIP_GRACE_MS whatever happens.
 */
function exitAfterAnswers(server: Server | undefined): void {
  const exit = () => process.exit(EXIT_LEADERSHIP_LOST);
  setTimeout(exit, LOST_LEADERSHIP_GRACE_MS);
  if (!server) return exit();
  server.close(exit);
  server.closeIdleConnections();
}

/** A policy that lists logs must list this one: otherwise its verifiers would refuse every checkpoint. */
function checkPolicyNamesThisLog(config: Config, verifierKey: string): void {
  const logs = config.witnessPolicy?.logs ?? [];
  if (logs.length === 0 || logs.some((l) => formatVerifierKey(l.key) === verifierKey)) return;
  throw new Error(`LEDGER_WITNESS_POLICY ${config.witnessPolicyFile}: its log lines do not include this ledger's key ${verifierKey}`);
}

function urlOf(server: Server): string {
  const addr = server.address();
  return typeof addr === 'object' && addr ? `http://${addr.address}:${addr.port}` : String(addr);
}

/** The signing key, with what to do about a missing or unusable one in the message. */
function loadKey(config: Config, isNewLog: boolean): ReturnType<typeof loadOrCreateSigningKey> {
  try {
    return loadOrCreateSigningKey(nodeCrypto, config.keyFile, config.origin, isNewLog);
  } catch (err) {
    const message = (err as Error).message;
    const named = message.includes(config.keyFile) ? message : `signing key file ${config.keyFile}: ${message}`;
    if (isNewLog) throw new Error(named, { cause: err });
    throw new Error(
      `${named}. This database already holds a log, which only its own key may sign: ` +
        'restore that key file from its backup (LEDGER_KEY_FILE), never generate a new one for it',
      { cause: err },
    );
  }
}

/**
 * One operator-facing line for a failed start: the cause, then what to do. Storage errors
 * raised below the store (e.g. a page found corrupt while the ledger reads its frontier) are
 * classified here too.
 */
export function describeStartupError(err: unknown, config: Pick<Config, 'dbPath' | 'databaseUrl'>): string {
  const where = config.databaseUrl ? redactedUrl(config.databaseUrl) : config.dbPath;
  const e = asStoreError(err, `database ${where}`);
  if (!(e instanceof StoreError)) return (e as Error).message ?? String(e);
  const message = e.message.includes(where) ? e.message : `database ${where}: ${e.message}`;
  switch (e.code) {
    case 'CORRUPT':
      return `${message}. The database file is damaged: restore it from a backup with \`ledger restore\` (docs/operations.md)`;
    case 'UNAVAILABLE':
      if (config.databaseUrl) return `${message}. Check that the PostgreSQL server is running and reachable, and that the URL's user may connect`;
      return `${message}. The database cannot be written: check free disk space, that the file and its folder are writable (not read-only or immutable), and that no other program holds a lock on it`;
    default:
      return message;
  }
}

/** The first start's tokens, one per role, each recorded in the log and expiring (LEDGER_DEV_TOKEN_TTL_DAYS). */
async function issueDevTokens(access: AccessRecorder, operator: Identity, print: (line: string) => void): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  const expiresAt = access.expiryIn(access.settings.devTokenTtlDays);
  for (const role of ROLES) {
    const source = role === 'writer' ? 'dev-writer' : `dev-${role}`;
    tokens[role] = (await access.issueToken(operator, { role, source, expiresAt })).token;
  }
  print(`First start of a new database: development tokens (shown once, stored only as hashes; they expire ${expiresAt}):`);
  for (const role of ROLES) print(`  ${role.padEnd(7)} ${tokens[role]}`);
  return tokens;
}
