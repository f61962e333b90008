/**
 * `ledger migrate --from sqlite:FILE --to postgres://… [--key VKEY] [--batch N]`: copies a log
 * from its SQLite file (opened read-only, one snapshot) into an empty PostgreSQL database or
 * schema, and proves the copy (src/ledger/migration.ts) before it reports success.
 *
 * The target is opened as its sequencer, so no ledger instance can write to it meanwhile; the
 * source may keep running, but the copy holds what its snapshot held: stop the service first for
 * a cut-over. Exit 0 with a summary once the copy is proved, 1 when refused or when the copy
 * does not prove (with the first difference), 2 on usage errors. A failed copy leaves a partly
 * filled target, which a later run refuses: drop that schema or database and run again.
 */
import { Command } from 'commander';
import { EXIT_USAGE, UsageError, exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

export interface MigrateArgs {
  from: string;
  to: string;
  key?: string;
  batch?: string;
}

export function migrateCommand(io: VerifyIo = processIo()): Command {
  return new Command('migrate')
    .description('copy a log from its SQLite file into an empty PostgreSQL database, and prove the copy (every row compared, the full audit passing)')
    .requiredOption('--from <sqlite:file>', 'the source: sqlite:FILE (opened read-only)')
    .requiredOption('--to <url>', 'the target: postgres://… (an empty database or schema; options=-c search_path=… selects a schema)')
    .option('--key <vkey>', 'the published verifier key or a file holding it, for the audit of the copy (default: the key the log records)')
    .option('--batch <rows>', 'rows per write transaction (default 1000)')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (opts: MigrateArgs) => {
      // The implementation (store, ledger, audit) loads only when the command runs: --help stays fast.
      const { runMigrate } = await import('./migrate-run.js');
      try {
        io.setExitCode(runMigrate(io, opts));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr(`ledger migrate: ${err.message}\n`);
        io.setExitCode(EXIT_USAGE);
      }
    });
}
