/**
 * `ledger backup --db FILE --to OUT`: an online, consistent copy of the ledger database while
 * the service keeps writing (SQLite's backup API from a read-only connection, one snapshot; in
 * WAL mode it does not block the writer). OUT is written whole or not at all, never overwritten,
 * and is one self-contained file. Pass `--audit` to run the ledger's audit on the copy too.
 * Exit 0 when the backup is written (and, with --audit, passes), 1 otherwise, 2 on usage errors.
 */
import { Command } from 'commander';
import { pathArgument } from './path-argument.js';
import type { Store } from '../store/index.js';
import { isPostgresUrl } from '../store/pg/url.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

/** Said by backup and restore when given a PostgreSQL URL. */
export const POSTGRES_BACKUP =
  'backup and restore copy a SQLite file; a ledger on PostgreSQL is backed up with PostgreSQL\'s own tools ' +
  '(pg_basebackup with WAL archiving for point-in-time recovery, or pg_dump of its schema), see docs/operations.md';

interface BackupArgs {
  db: string;
  to: string;
  audit?: boolean;
}

export function backupCommand(io: VerifyIo = processIo()): Command {
  return new Command('backup')
    .description('write an online, consistent backup of the database while the ledger runs (never overwrites)')
    .requiredOption('--db <file>', 'the ledger database file', pathArgument)
    .requiredOption('--to <file>', 'the backup file to create', pathArgument)
    .option('--audit', 'also run the ledger audit on the copy (with the key it records)')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (opts: BackupArgs) => {
      if (isPostgresUrl(opts.db)) {
        io.stderr(`ledger backup: ${POSTGRES_BACKUP}\n`);
        return io.setExitCode(EXIT_USAGE);
      }
      // The store loads only when the command runs (and the audit only with --audit): --help stays fast.
      const { Store, backupDatabase } = await import('../store/index.js');
      let source: Store;
      try {
        source = Store.open(opts.db, { readonly: true });
      } catch (err) {
        io.stderr(`ledger backup: cannot open ${opts.db} read-only: ${(err as Error).message}\n`);
        return io.setExitCode(EXIT_USAGE);
      }
      try {
        const s = await backupDatabase(source.sqlite, opts.to);
        io.stdout(`backup ${s.file}: ${s.treeSize} entries, newest checkpoint ${s.checkpointSize}, ${s.bytes} bytes\n`);
      } catch (err) {
        io.stderr(`ledger backup: ${(err as Error).message}\n`);
        return io.setExitCode(EXIT_FAILED);
      } finally {
        source.close();
      }
      io.setExitCode(opts.audit ? await auditCopy(io, opts.to) : EXIT_OK);
    });
}

async function auditCopy(io: VerifyIo, file: string): Promise<number> {
  const [{ Store }, { auditLedger }, { nodeCrypto }] = await Promise.all([import('../store/index.js'), import('../ledger/audit.js'), import('../crypto/node.js')]);
  const copy = Store.open(file, { readonly: true });
  try {
    const report = auditLedger(copy, { crypto: nodeCrypto });
    if (report.ok) {
      io.stdout(`audit of the backup: OK (${report.treeSize} entries, ${report.checkpointsChecked} checkpoints, root ${report.rootHash})\n`);
      return EXIT_OK;
    }
    io.stderr(`ledger backup: the backup fails the audit (${report.findingCount} findings; run ledger audit --db ${file})\n`);
    return EXIT_FAILED;
  } finally {
    copy.close();
  }
}
