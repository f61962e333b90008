/**
 * `ledger audit --db FILE [--key VKEY] [--json]`: recomputes everything a copy of the ledger
 * database claims (see src/ledger/audit.ts) and says what is wrong, first bad index first.
 *
 * The file is opened read-only: never migrated, never written. Exit 0 only when everything
 * holds, 1 on any finding, 2 when the arguments are wrong or the file cannot be opened as a
 * ledger database. The verdict never depends on the current time; the clock only times the
 * run for the throughput line.
 */
import { Command } from 'commander';
import { pathArgument } from './path-argument.js';
import { EXIT_USAGE, UsageError, exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

export const MAX_FINDINGS_DEFAULT = 100;

export interface AuditArgs {
  db: string;
  key?: string;
  policy?: string;
  json?: boolean;
  maxFindings?: string;
}

export function auditCommand(io: VerifyIo = processIo()): Command {
  return new Command('audit')
    .description(
      'recompute every leaf hash, the hash chain, every stored tree node, every checkpoint and period close ' +
        'from a copy of the database (opened read-only)',
    )
    .requiredOption('--db <file>', 'the ledger database file, or a postgres:// URL', pathArgument)
    .option('--key <vkey>', 'the published verifier key (<name>+<hex8>+<base64>) or a file holding it; default: the key the database records')
    .option('--policy <file>', 'a C2SP tlog-policy file: check every stored cosignature against its witness keys')
    .option('--json', 'print the machine-readable report')
    .option('--max-findings <n>', `findings to list in full (all are counted; default ${MAX_FINDINGS_DEFAULT})`)
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (opts: AuditArgs) => {
      try {
        // The audit and what it loads (the store, the ledger, the schemas) only when it runs: --help stays fast.
        const { runAudit } = await import('./audit-run.js');
        io.setExitCode(runAudit(io, opts));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr(`ledger audit: ${err.message}\n`);
        io.setExitCode(EXIT_USAGE);
      }
    });
}
