/**
 * `ledger restore --from BACKUP --db TARGET --not-before CHECKPOINT [--key VKEY] [--force]`:
 * puts a backup in place of the ledger database, but only one the ledger may safely continue.
 *
 * The trap it closes: checkpoints the ledger signed after the backup was taken may already be
 * in auditors' hands. Continuing from an older backup would append different entries at those
 * indexes and sign a second history for the same sizes: a fork, which every verifier treats as
 * proof of a dishonest log. So the operator gives the newest checkpoint known to have been
 * published (`--not-before`, e.g. fetched from an auditor or witness); the backup must hold that
 * tree size and the very same root (RFC 9162 §2.1.1), or it is refused. It is also refused when
 * the ledger's audit finds anything wrong in it.
 *
 * The copy is checked in a staging file beside the target and renamed into place only when
 * every check passed; an existing target is kept aside (with --force), never overwritten. The
 * writer lock on the target is held throughout, so a running ledger blocks the restore.
 * Exit 0 when restored, 1 when refused, 2 on usage errors.
 */
import { Command } from 'commander';
import { pathArgument } from './path-argument.js';
import { exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

export interface RestoreArgs {
  from: string;
  db: string;
  notBefore: string;
  key?: string;
  force?: boolean;
}

export function restoreCommand(io: VerifyIo = processIo()): Command {
  return new Command('restore')
    .description('restore a backup in place of the database, refusing one that fails the audit or is behind a published checkpoint')
    .requiredOption('--from <backup>', 'the backup file (from `ledger backup`)', pathArgument)
    .requiredOption('--db <file>', 'the database to restore (the ledger must not be running on it)', pathArgument)
    .requiredOption('--not-before <checkpoint>', 'the newest published signed checkpoint note (a file, or - for stdin)')
    .option('--key <vkey>', 'the published verifier key or a file holding it (default: the key the backup records)')
    .option('--force', 'if the database exists, keep it aside as <db>.before-restore-<time> and restore in its place')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // The restore and what it loads (the store, the audit) only when it runs: --help stays fast.
    .action(async (opts: RestoreArgs) => (await import('./restore-run.js')).runRestore(io, opts));
}
