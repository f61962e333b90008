/** `ledger migrate`'s implementation (migrate.ts defines the command): loaded only when it runs. */
import { nodeCrypto } from '../crypto/node.js';
import { MigrationError, migrateLog, type MigrationSummary } from '../ledger/migration.js';
import { Store, isPostgresUrl } from '../store/index.js';
import { redactedUrl } from '../store/pg/pg-store.js';
import { auditProgressBar } from './audit-run.js';
import type { MigrateArgs } from './migrate.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, readKeyArgument, type VerifyIo } from './verify-io.js';

export function runMigrate(io: VerifyIo, opts: MigrateArgs): number {
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
