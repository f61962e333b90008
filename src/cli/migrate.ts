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
import { nodeCrypto } from '../crypto/node.js';
import { MigrationError, migrateLog, type MigrationSummary } from '../ledger/migration.js';
import { Store, isPostgresUrl } from '../store/index.js';
import { redactedUrl } from '../store/pg/pg-store.js';
import { auditProgressBar } from './audit.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, exitCodeOf, processIo, readKeyArgument, type VerifyIo } from './verify-io.js';

interface MigrateArgs {
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
    .action((opts: MigrateArgs) => {
      try {
        io.setExitCode(runMigrate(io, opts));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr(`ledger migrate: ${err.message}\n`);
        io.setExitCode(EXIT_USAGE);
      }
    });
}

function runMigrate(io: VerifyIo, opts: MigrateArgs): number {
  const file = sqliteFile(opts.from);
  if (!isPostgresUrl(opts.to)) throw new UsageError('--to must be a postgres:// (or postgresql://) URL');
  const key = opts.key === undefined ? undefined : readKeyArgument(opts.key);
  const batchRows = batchOption(opts.batch);
  const target = redactedUrl(opts.to);
  const source = open(() => Store.open(file, { readonly: true }), `cannot open ${file} read-only`, EXIT_USAGE);
  if (typeof source === 'number') return source;
  try {
    const store = open(() => Store.open(opts.to), `cannot open ${target} as the log's writer`, EXIT_FAILED);
    if (typeof store === 'number') return store;
    const bar = auditProgressBar(io);
    try {
      const s = migrateLog(source, store, {
        crypto: nodeCrypto,
        ...(key ? { key } : {}),
        ...(batchRows ? { batchRows } : {}),
        onStep: (step) => {
          bar.stop();
          io.stderr(`ledger migrate: ${step}\n`);
        },
        onProgress: bar,
      });
      bar.stop();
      io.stdout(summaryText(file, target, s));
      return EXIT_OK;
    } catch (err) {
      bar.stop();
      const code = err instanceof MigrationError ? ` (${err.code})` : '';
      io.stderr(`ledger migrate: failed${code}: ${(err as Error).message}\n`);
      return EXIT_FAILED;
    } finally {
      store.close();
    }
  } finally {
    source.close();
  }

  function open(fn: () => Store, what: string, exitCode: number): Store | number {
    try {
      return fn();
    } catch (err) {
      io.stderr(`ledger migrate: ${what}: ${(err as Error).message}\n`);
      return exitCode;
    }
  }
}

function sqliteFile(from: string): string {
  const match = /^sqlite:(.+)$/.exec(from);
  if (!match) throw new UsageError('--from must be sqlite:FILE (the ledger database file)');
  return match[1]!;
}

function batchOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new UsageError('--batch must be a whole number from 1 to 999999');
  return Number(value);
}

const count = (n: number): string => n.toLocaleString('en-US');

function summaryText(file: string, target: string, s: MigrationSummary): string {
  const seconds = (s.copyMs + s.proofMs) / 1000;
  const rate = s.copyMs > 0 ? Math.round((s.entries * 1000) / s.copyMs) : 0;
  const tables = Object.entries(s.rows)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${count(n)}`)
    .join(', ');
  return (
    `migrated ${file} to ${target}: ${count(s.entries)} entries, ${count(s.checkpoints)} checkpoints; tree size ${count(s.treeSize)}, root ${s.rootHash}\n` +
    `  rows copied:   ${tables}\n` +
    `  proof:         ${count(s.rowsCompared)} rows equal to the source's; the audit passes on the target\n` +
    `  time:          ${seconds.toFixed(2)} s (copy ${(s.copyMs / 1000).toFixed(2)} s at ${count(rate)} entries/s, proof ${(s.proofMs / 1000).toFixed(2)} s)\n`
  );
}
