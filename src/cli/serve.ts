/** `ledger serve`: runs the service with configuration from the environment. */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { describeStartupError, startService } from './service.js';
import { exitOnUsageError } from './verify-io.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the HTTP API (configuration from environment variables; see README)')
    .exitOverride(exitOnUsageError)
    .action(async () => {
      let config;
      try {
        config = loadConfig(process.env);
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`ledger: bad configuration\n${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
      let service;
      try {
        service = await startService(config);
      } catch (err) {
        process.stderr.write(`ledger: cannot start: ${describeStartupError(err, config)}\n`);
        process.exit(1);
      }
      const stop = (signal: string) => {
        process.stderr.write(`ledger: ${signal}, shutting down\n`);
        void service.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
