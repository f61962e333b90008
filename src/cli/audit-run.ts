/** The work of `ledger audit` (audit.ts), loaded only when the command runs. */
import cliProgress from 'cli-progress';
import { nodeCrypto } from '../crypto/node.js';
import { auditLedger, type AuditReport } from '../ledger/audit.js';
import { existsSync } from 'node:fs';
import { isWalModeFile, openReadOnlyCopy, walHintFor, type ReadOnlyCopy } from '../store/read-only-copy.js';
import { Store, isPostgresUrl } from '../store/index.js';
import { redactedUrl } from '../store/pg/pg-store.js';
import { MAX_FINDINGS_DEFAULT, type AuditArgs } from './audit.js';
import { EXIT_FAILED, EXIT_OK, UsageError, readKeyArgument, readPolicyArgument, readTrustArguments, type VerifyIo } from './verify-io.js';

/** Below this many entries an audit ends too fast for a progress bar to help. */
const PROGRESS_MIN_ENTRIES = 10_000;

export function runAudit(io: VerifyIo, opts: AuditArgs): number {
  const key = opts.key === undefined ? undefined : readKeyArgument(opts.key);
  // Only the witness keys are used; the log key stays --key or the recorded one (a policy may list no log, or several).
  const policy = opts.policy === undefined ? undefined : opts.key ? readTrustArguments({ policy: opts.policy, key: opts.key }).policy : readPolicyArgument(opts.policy);
  const maxFindings = maxFindingsOption(opts.maxFindings);
  // A URL is shown without its password.
  const shown = isPostgresUrl(opts.db) ? redactedUrl(opts.db) : opts.db;
  const copy = openReadOnly(opts.db);
  const store = copy.store;
  let report: AuditReport;
  try {
    const bar = progressBar(io, store.log.size());
    try {
      report = auditLedger(store, { crypto: nodeCrypto, maxFindings, onProgress: bar, ...(key ? { key } : {}), ...(policy ? { witnessKeys: policy.witnesses.map((w) => w.key) } : {}) });
    } finally {
      bar.stop();
    }
  } catch (err) {
    // A file that breaks mid-read (corrupt pages, I/O errors) did not pass the audit.
    io.stderr(`ledger audit: the audit could not finish reading ${shown}: ${(err as Error).message}\n`);
    if (copy.walHint) io.stderr(`ledger audit: hint: ${copy.walHint}\n`);
    return EXIT_FAILED;
  } finally {
    copy.close();
  }
  io.stdout(opts.json ? `${JSON.stringify({ db: shown, ...report })}\n` : reportText(shown, report));
  if (!report.ok && copy.walHint) io.stderr(`ledger audit: hint: ${copy.walHint}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

function openReadOnly(file: string): ReadOnlyCopy {
  if (isPostgresUrl(file)) return openPostgresReadOnly(file);
  try {
    return openReadOnlyCopy(file);
  } catch (err) {
    const message = (err as Error).message;
    if (!/no such table/.test(message)) throw new UsageError(`cannot open ${file} read-only: ${message}`);
    const hint = existsSync(`${file}-wal`) ? '' : isWalModeFile(file) ? `. Hint: ${walHintFor(file)}` : '';
    throw new UsageError(`${file} is not a ledger database (${message})${hint}`);
  }
}

function maxFindingsOption(value: string | undefined): number {
  if (value === undefined) return MAX_FINDINGS_DEFAULT;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new UsageError('--max-findings must be a whole number from 1 to 999999');
  return Number(value);
}

/**
 * A progress bar for an audit whose size is learned from its first report (ledger restore); drawn
 * only on a terminal and for audits long enough to need one.
 */
/** PostgreSQL: a read-only session (never migrated, never leading); it has no WAL file to hint about. */
function openPostgresReadOnly(url: string): ReadOnlyCopy {
  let store: Store;
  try {
    store = Store.open(url, { readonly: true });
  } catch (err) {
    throw new UsageError(`cannot open ${redactedUrl(url)} read-only: ${(err as Error).message}`);
  }
  return { store, walHint: undefined, close: () => store.close() };
}

export function auditProgressBar(io: VerifyIo, label = 'auditing', unit = 'entries'): ((done: number, total: number) => void) & { stop(): void } {
  let bar: (((done: number) => void) & { stop(): void }) | undefined;
  return Object.assign(
    (done: number, total: number) => {
      bar ??= progressBar(io, total, label, unit);
      bar(done);
    },
    {
      stop: () => {
        bar?.stop();
        bar = undefined;
      },
    },
  );
}

function progressBar(io: VerifyIo, total: number, label = 'auditing', unit = 'entries'): ((done: number) => void) & { stop(): void } {
  if (!io.stderrIsTTY || !io.stderrStream || total < PROGRESS_MIN_ENTRIES) return Object.assign(() => {}, { stop() {} });
  const bar = new cliProgress.SingleBar(
    { stream: io.stderrStream, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta}s`, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return Object.assign((done: number) => bar.update(Math.min(done, total)), { stop: () => bar.stop() });
}

const KEY_SOURCE_TEXT = {
  option: 'given with --key',
  database: 'recorded in the database: compare it with the published key, or pass --key',
  none: 'none: no signature could be checked',
} as const;

const count = (n: number): string => n.toLocaleString('en-US');

/** The human-readable report. */
export function reportText(db: string, r: AuditReport): string {
  const lines = [
    `audit of ${db}`,
    `  key:           ${r.key.verifierKey ?? '-'} (${KEY_SOURCE_TEXT[r.key.source]})`,
    `  entries:       ${count(r.entries)} (${count(r.leafBytes)} leaf bytes); tree size ${count(r.treeSize)}, root ${r.rootHash}`,
    `  tree nodes:    ${count(r.nodesCompared)} compared`,
    `  checkpoints:   ${count(r.checkpointsChecked)} checked`,
    `  period closes: ${count(r.periodClosesChecked)} checked`,
    `  cosignatures:  ${count(r.cosignaturesChecked)} checked`,
    `  search index:  ${count(r.searchEntriesChecked)} entries checked`,
  ];
  if (!r.ok) {
    const byCode = Object.entries(r.findingsByCode).map(([code, n]) => `${code} ${count(n)}`);
    lines.push(`  findings:      ${count(r.findingCount)} (${byCode.join(', ')})`);
    if (r.firstBadIndex !== null) lines.push(`  first bad index: ${r.firstBadIndex}`);
    for (const f of r.findings) lines.push(`    ${f.code}: ${f.message}`);
    if (r.findings.length < r.findingCount) lines.push(`    … ${count(r.findingCount - r.findings.length)} more (--max-findings, --json)`);
  }
  const seconds = (r.elapsedMs / 1000).toFixed(2);
  lines.push(`  throughput:    ${count(Math.round(r.entriesPerSecond))} entries/s, ${r.megabytesPerSecond.toFixed(1)} MB/s (${seconds} s)`);
  lines.push(r.ok ? 'RESULT: OK, everything holds' : 'RESULT: FAILED');
  return `${lines.join('\n')}\n`;
}
