/** The express application: routes, auth, logging and the one error handler. No SQL here. */
import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import type { Ledger } from '../ledger/ledger.js';
import { BodyBudget } from './body-budget.js';
import { authenticate, principalResolver } from './auth.js';
import { fastAppend } from './fast-append.js';
import { mapDomainError } from './errors-map.js';
import { createProblemHandler, notFoundHandler } from './problem.js';
import { inlinePreparer, type BodyPreparer } from './prepare-pool.js';
import { requestHygiene } from './request-hygiene.js';
import { requestLog, type Logger } from './request-log.js';
import { bundleRoutes } from './routes/bundles.js';
import { checkpointRoutes } from './routes/checkpoints.js';
import { entryRoutes } from './routes/entries.js';
import { periodRoutes } from './routes/periods.js';
import { healthRoutes } from './routes/health.js';
import { proofRoutes } from './routes/proofs.js';
import { redactionRoutes } from './routes/redactions.js';
import { reportRoutes } from './routes/reports.js';
import { tokenRoutes } from './routes/tokens.js';
import { tlogRoutes } from './routes/tlog.js';
import { sourceKeyRoutes } from './routes/source-keys.js';
import { AccessRecorder, DEFAULT_DEV_TOKEN_TTL_DAYS, DEFAULT_TOKEN_TTL_DAYS } from '../ledger/access-recorder.js';
import { DEFAULT_ACCESS_CONTROL_ID } from '../evidence/access-records.js';
import type { WorkloadVerifier } from '../identity/workload-verifier.js';
import { verifyPageRoutes } from './routes/verify-page.js';
import { metricsRoutes, type MetricsAccess } from './routes/metrics.js';
import { openApiRoutes } from './routes/openapi.js';
import { requestMetrics } from './request-metrics.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';

export interface AppOptions {
  ledger: Ledger;
  logger: Logger;
  adminToken?: string | undefined;
  /** Where append bodies are parsed and validated; default: on this thread. */
  preparer?: BodyPreparer;
  /** LEDGER_OIDC's trusted issuers, when configured. */
  workload?: WorkloadVerifier | undefined;
  /** Records token and key changes in the log; default: the default settings. */
  access?: AccessRecorder;
  /** Where the hooks report (src/metrics); default: a registry of this app's own, without process metrics. */
  metrics?: Metrics;
  /** Who may GET /metrics (LEDGER_METRICS); default admin. */
  metricsAccess?: MetricsAccess;
  /** Request-body bytes held at once, shared by both append paths (default: body-budget.ts). */
  bodyBudget?: BodyBudget;
}

function defaultAccess(ledger: Ledger): AccessRecorder {
  return new AccessRecorder(ledger, { controlId: DEFAULT_ACCESS_CONTROL_ID, tokenTtlDays: DEFAULT_TOKEN_TTL_DAYS, devTokenTtlDays: DEFAULT_DEV_TOKEN_TTL_DAYS });
}

export function createApp({ ledger, logger, adminToken, preparer = inlinePreparer(), workload, access = defaultAccess(ledger), metrics = createMetrics(ledger, { processMetrics: false }), metricsAccess = 'admin', bodyBudget = new BodyBudget() }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(logger));
  app.use(requestMetrics(metrics));
  app.use(requestHygiene());
  app.use(authenticate(ledger.tokens, { adminToken, now: ledger.clock, workload }));
  // Appends first: every router a request passes costs it a round of path matching.
  app.use(entryRoutes(ledger, preparer, metrics, bodyBudget));
  app.use(redactionRoutes(ledger));
  app.use(healthRoutes(ledger, preparer));
  app.use(checkpointRoutes(ledger));
  app.use(proofRoutes(ledger));
  app.use(periodRoutes(ledger));
  app.use(bundleRoutes(ledger));
  app.use(reportRoutes(ledger));
  app.use(tokenRoutes(ledger, access));
  app.use(sourceKeyRoutes(access));
  app.use(tlogRoutes(ledger));
  app.use(verifyPageRoutes());
  app.use(metricsRoutes(metrics, metricsAccess));
  app.use(openApiRoutes());
  app.use(notFoundHandler);
  app.use(createProblemHandler([mapDomainError]));
  return app;
}

/**
 * What the server runs: appends through the fast path (fast-append.ts), every other request
 * through the express app, which serves appends too when the fast path does not take them.
 */
export function createHandler(options: AppOptions): RequestListener {
  const preparer = options.preparer ?? inlinePreparer();
  const metrics = options.metrics ?? createMetrics(options.ledger, { processMetrics: false });
  const bodyBudget = options.bodyBudget ?? new BodyBudget();
  const app = createApp({ ...options, preparer, metrics, bodyBudget });
  const principalOf = principalResolver(options.ledger.tokens, { adminToken: options.adminToken, now: options.ledger.clock, workload: options.workload });
  const append = fastAppend({ ledger: options.ledger, preparer, bodyBudget, logger: options.logger, principalOf, mappers: [mapDomainError], metrics });
  return (req, res) => {
    if (!append(req, res)) app(req, res);
  };
}
