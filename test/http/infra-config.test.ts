import { availableParallelism, userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const config = error as ConfigError;
    expect(config.code).toBe('CONFIG_INVALID');
    return Object.fromEntries(config.problems.map((p) => [p.variable, p.message]));
  }
  throw new Error('expected loadConfig to throw');
}

describe('configuration from the environment', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dbPath: './data/ledger.db',
      keyFile: './keys/ledger.key',
      origin: 'localhost/evidence-ledger',
      checkpointIntervalMs: 1000,
      adminToken: undefined,
      fiscalYearStart: 1,
      batchMax: 1000,
      batchWaitMs: 0,
      queueMax: 20000,
      prepareThreads: Math.max(1, availableParallelism() - 1),
      bodyBytesInFlight: 8 * 1024 * 1024,
      logLevel: 'info',
      witnessPolicy: undefined,
      witnessPolicyFile: undefined,
      witnessRetryMaxMs: 30000,
      oidcIssuers: [],
      accessControlId: 'LEDGER-AC-01',
      tokenTtlDays: 90,
      devTokenTtlDays: 7,
      operator: `os-user:${userInfo().username}`,
      metrics: 'admin',
      metricsPort: undefined,
      redactionApprovals: 1,
      leaderPollMs: 1000,
      advertiseUrl: undefined,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LEDGER_ADMIN_TOKEN: '' })).toMatchObject({ port: 8080, adminToken: undefined });
  });

  it('reads every variable', () => {
    const token = 'A'.repeat(32);
    expect(
      loadConfig({
        PORT: '9000',
        HOST: '0.0.0.0',
        LEDGER_DB: '/var/lib/ledger/db.sqlite',
        LEDGER_KEY_FILE: '/run/secrets/ledger.key',
        LEDGER_ORIGIN: 'ledger.example.com/sox',
        LEDGER_CHECKPOINT_INTERVAL_MS: '10',
        LEDGER_ADMIN_TOKEN: token,
        LEDGER_FISCAL_YEAR_START: '7',
        LEDGER_BATCH_MAX: '50',
        LEDGER_BATCH_WAIT_MS: '3',
        LEDGER_QUEUE_MAX: '100',
        LEDGER_PREPARE_THREADS: '0',
        LEDGER_BODY_BYTES_IN_FLIGHT: '2097152',
        LOG_LEVEL: 'debug',
        LEDGER_WITNESS_RETRY_MAX_MS: '500',
        LEDGER_ACCESS_CONTROL_ID: 'ITGC-AC-LEDGER',
        LEDGER_TOKEN_TTL_DAYS: '30',
        LEDGER_DEV_TOKEN_TTL_DAYS: '1',
        LEDGER_OPERATOR: 'alice@example.com',
        LEDGER_METRICS: 'public',
        LEDGER_METRICS_PORT: '9100',
        LEDGER_REDACTION_APPROVALS: '2',
        LEDGER_DATABASE_URL: 'postgres://ledger:pw@db.internal:5432/ledger',
        LEDGER_LEADER_POLL_MS: '250',
        LEDGER_ADVERTISE_URL: 'https://ledger-1.internal:8443/',
      }),
    ).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dbPath: '/var/lib/ledger/db.sqlite',
      keyFile: '/run/secrets/ledger.key',
      origin: 'ledger.example.com/sox',
      checkpointIntervalMs: 10,
      adminToken: token,
      fiscalYearStart: 7,
      batchMax: 50,
      batchWaitMs: 3,
      queueMax: 100,
      prepareThreads: 0,
      bodyBytesInFlight: 2097152,
      logLevel: 'debug',
      witnessPolicy: undefined,
      witnessPolicyFile: undefined,
      witnessRetryMaxMs: 500,
      oidcIssuers: [],
      accessControlId: 'ITGC-AC-LEDGER',
      tokenTtlDays: 30,
      devTokenTtlDays: 1,
      operator: 'alice@example.com',
      metrics: 'public',
      metricsPort: 9100,
      redactionApprovals: 2,
      databaseUrl: 'postgres://ledger:pw@db.internal:5432/ledger',
      leaderPollMs: 250,
      advertiseUrl: 'https://ledger-1.internal:8443',
    });
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ PATH: '/bin', LEDGER_SOMETHING_ELSE: 'x' }).port).toBe(8080);
  });

  it.each(['1e3', '0x10', '+80', '-1', ' 80', '80 ', '80.0', 'eighty'])('refuses PORT=%j as not plain decimal', (port) => {
    expect(Object.keys(problemsOf({ PORT: port }))).toEqual(['PORT']);
  });

  it.each([
    ['PORT', '65536'],
    ['LEDGER_CHECKPOINT_INTERVAL_MS', '9'],
    ['LEDGER_CHECKPOINT_INTERVAL_MS', '2147483648'],
    ['LEDGER_FISCAL_YEAR_START', '0'],
    ['LEDGER_FISCAL_YEAR_START', '13'],
    ['LEDGER_BATCH_MAX', '0'],
    ['LEDGER_QUEUE_MAX', '0'],
    ['LEDGER_ADMIN_TOKEN', 'x'.repeat(31)],
    ['LEDGER_ADMIN_TOKEN', `${'x'.repeat(32)} y`],
    ['LEDGER_ORIGIN', 'has space'],
    ['LEDGER_ORIGIN', 'a+b'],
    ['LEDGER_METRICS', 'everyone'],
    ['LEDGER_METRICS_PORT', '65536'],
    ['LEDGER_LEADER_POLL_MS', '9'],
    ['LEDGER_DATABASE_URL', 'mysql://db/ledger'],
    ['LEDGER_ADVERTISE_URL', 'ledger-1:8080'],
    ['LEDGER_ADVERTISE_URL', 'http://ledger-1:8080/?x=1'],
    ['LEDGER_ADVERTISE_URL', 'http://a b'],
    ['LEDGER_ORIGIN', 'tab\there'],
    ['LEDGER_ORIGIN', 'line\nbreak'],
    ['LEDGER_ORIGIN', 'no\u00a0break'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['HOST', 'local host'],
    ['LEDGER_DB', ' ./db'],
  ])('names %s when it is %j', (variable, value) => {
    expect(Object.keys(problemsOf({ [variable]: value }))).toEqual([variable]);
  });

  it('accepts the boundary values', () => {
    const config = loadConfig({
      PORT: '65535',
      LEDGER_CHECKPOINT_INTERVAL_MS: '10',
      LEDGER_FISCAL_YEAR_START: '12',
      LEDGER_BATCH_MAX: '1',
      LEDGER_QUEUE_MAX: '1',
      LEDGER_ADMIN_TOKEN: 'elt_admin_' + 'Z'.repeat(22),
    });
    expect(config).toMatchObject({ port: 65535, checkpointIntervalMs: 10, fiscalYearStart: 12, batchMax: 1, queueMax: 1 });
  });

  it('reports every bad value at once, each under its name, in the message too', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'abc', LEDGER_FISCAL_YEAR_START: '13', LEDGER_ORIGIN: 'a b', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['LEDGER_FISCAL_YEAR_START', 'LEDGER_ORIGIN', 'LOG_LEVEL', 'PORT']);
    for (const name of ['PORT', 'LEDGER_FISCAL_YEAR_START', 'LEDGER_ORIGIN', 'LOG_LEVEL']) expect(error.message).toContain(`${name}: `);
    expect(error.message).toContain('must be at most 12');
  });

  it('never echoes a rejected admin token in the error', () => {
    const secret = 'short-secret';
    const problems = problemsOf({ LEDGER_ADMIN_TOKEN: secret });
    expect(problems.LEDGER_ADMIN_TOKEN).toBeDefined();
    expect(JSON.stringify(problems)).not.toContain(secret);
  });
});
