/** The work of `ledger restore` (restore.ts: what it does and why), loaded only when the command runs. */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../crypto/node.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { auditLedger, type AuditReport } from '../ledger/audit.js';
import { rootAt } from '../merkle/index.js';
import { openCheckpoint, parseVerifierKey, type VerifierKey } from '../note/index.js';
import { Store, WriterLock, backupDatabase, installDatabaseFile, removeDatabaseFiles } from '../store/index.js';
import { auditProgressBar } from './audit-run.js';
import { POSTGRES_BACKUP } from './backup.js';
import { isPostgresUrl } from '../store/pg/url.js';
import type { RestoreArgs } from './restore.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, decodeUtf8, readInput, readKeyArgument, type VerifyIo } from './verify-io.js';

export type RestoreRefusalCode =
  | 'TARGET_EXISTS' // the target database exists and --force was not given
  | 'AUDIT_FAILED' // the backup does not pass `ledger audit`
  | 'BAD_CHECKPOINT' // the --not-before note does not verify with the log's key
  | 'BEHIND_PUBLISHED' // the backup ends before the published checkpoint: continuing would fork
  | 'FORKED'; // the backup reaches the size, but with another root: it is a different history

export class RestoreRefused extends Error {
  override readonly name = 'RestoreRefused';
  constructor(
    readonly code: RestoreRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RestoreOptions {
  from: string;
  target: string;
  /** The newest published signed checkpoint note. */
  notBefore: string;
  /** The published verifier key; default: the key the backup records (then checked against the note). */
  key?: VerifierKey;
  /** Keep an existing target aside instead of refusing. */
  force?: boolean;
  /** For the aside name; default now. */
  now?: () => Date;
  /** Told when each step starts (a restore of a large log takes minutes, mostly auditing). */
  onStep?: (step: string) => void;
  /** Told how many entries of `total` the audit has checked. */
  onAuditProgress?: (done: number, total: number) => void;
}

export interface RestoreSummary {
  treeSize: number;
  checkpointSize: number;
  notBeforeSize: number;
  rootHash: string;
  keptAs?: string;
}

/** Findings quoted in a refusal; the rest are counted. */
const QUOTED_FINDINGS = 5;

export async function restoreLedger(o: RestoreOptions): Promise<RestoreSummary> {
  mkdirSync(path.dirname(path.resolve(o.target)), { recursive: true });
  const lock = WriterLock.acquire(o.target);
  const staging = `${o.target}.restoring`;
  try {
    if (!o.force) refuseExistingTarget(o.target);
    removeDatabaseFiles(staging);
    const source = openBackup(o.from);
    try {
      o.onStep?.(`copying ${o.from} to ${staging}`);
      await backupDatabase(source.sqlite, staging);
    } finally {
      source.close();
    }
    const summary = checkCopy(staging, o);
    o.onStep?.(`installing the copy as ${o.target}`);
    const stamp = (o.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const { keptAs } = installDatabaseFile(staging, o.target, o.force ? `.before-restore-${stamp}` : undefined);
    return keptAs ? { ...summary, keptAs } : summary;
  } finally {
    removeDatabaseFiles(staging);
    lock.release();
  }
}

/** Checked before the copy is made (installDatabaseFile would refuse too, but only after it). */
function refuseExistingTarget(target: string): void {
  const present = [target, `${target}-wal`].find((f) => existsSync(f));
  if (present) throw new RestoreRefused('TARGET_EXISTS', `${present} already exists; pass --force to keep it aside and restore in its place`);
}

function openBackup(file: string): Store {
  try {
    return Store.open(file, { readonly: true });
  } catch (err) {
    throw new UsageError(`cannot open the backup ${file}: ${(err as Error).message}`);
  }
}

/** Audits the staged copy and checks it against the published checkpoint. */
function checkCopy(staging: string, o: RestoreOptions): Omit<RestoreSummary, 'keptAs'> {
  const c = nodeCrypto;
  const copy = Store.open(staging, { readonly: true });
  try {
    let audit: AuditReport;
    const total = copy.log.size();
    o.onStep?.(`auditing the copy (${total} entries: every leaf, node, checkpoint and signature)`);
    try {
      audit = auditLedger(copy, { crypto: c, ...(o.key ? { key: o.key } : {}), onProgress: o.onAuditProgress });
    } catch (err) {
      throw new RestoreRefused('AUDIT_FAILED', `the audit could not read the backup: ${(err as Error).message}`);
    }
    if (!audit.ok) {
      const quoted = audit.findings.slice(0, QUOTED_FINDINGS).map((f) => `  ${f.code}: ${f.message}`);
      throw new RestoreRefused('AUDIT_FAILED', `the backup fails the audit (${audit.findingCount} findings):\n${quoted.join('\n')}`);
    }
    const key = o.key ?? (audit.key.verifierKey ? parseVerifierKey(c, audit.key.verifierKey) : undefined);
    if (!key) throw new RestoreRefused('BAD_CHECKPOINT', 'the backup records no verifier key; pass the published one with --key');
    o.onStep?.('checking the copy against the published checkpoint');
    let size: number;
    let root: Uint8Array;
    try {
      const { checkpoint } = openCheckpoint(c, o.notBefore, [key], { expectedOrigin: key.name });
      ({ size, rootHash: root } = checkpoint);
    } catch (err) {
      throw new RestoreRefused('BAD_CHECKPOINT', `the --not-before checkpoint does not verify with ${key.name}'s key: ${(err as Error).message}`);
    }
    const held = copy.log.size();
    if (held < size) {
      throw new RestoreRefused(
        'BEHIND_PUBLISHED',
        `the backup holds ${held} entries, but a checkpoint of size ${size} was published: continuing from it would ` +
          `sign a second, different history for sizes ${held + 1}..${size} (a fork). Find a newer backup`,
      );
    }
    const ours = rootAt(c, size, copy.log);
    if (!bytesEqual(ours, root)) {
      throw new RestoreRefused('FORKED', `the backup's tree at size ${size} has root ${toHex(ours)}, not the published ${toHex(root)}: it is another history`);
    }
    return { treeSize: held, checkpointSize: copy.checkpoints.latest()?.treeSize ?? 0, notBeforeSize: size, rootHash: toHex(rootAt(c, held, copy.log)) };
  } finally {
    copy.close();
  }
}

/** Runs `ledger restore` with parsed options, setting the exit code (0 restored, 1 refused, 2 usage). */
export async function runRestore(io: VerifyIo, opts: RestoreArgs): Promise<void> {
  try {
    if (isPostgresUrl(opts.db) || isPostgresUrl(opts.from)) throw new UsageError(POSTGRES_BACKUP);
    const key = opts.key === undefined ? undefined : readKeyArgument(opts.key);
    const notBefore = decodeUtf8(await readInput(io, opts.notBefore), '--not-before');
    const bar = auditProgressBar(io);
    let s: RestoreSummary;
    try {
      s = await restoreLedger({
        from: opts.from,
        target: opts.db,
        notBefore,
        force: opts.force ?? false,
        ...(key ? { key } : {}),
        // Progress on stderr, so stdout keeps only the result.
        onStep: (step) => {
          bar.stop();
          io.stderr(`ledger restore: ${step}\n`);
        },
        onAuditProgress: bar,
      });
    } finally {
      bar.stop();
    }
    io.stdout(
      `restored ${opts.db} from ${opts.from}: ${s.treeSize} entries (root ${s.rootHash}), newest checkpoint in the backup ` +
        `${s.checkpointSize}, consistent with the published checkpoint of size ${s.notBeforeSize}` +
        `${s.keptAs ? `; the previous database was kept as ${s.keptAs}` : ''}\n`,
    );
    io.setExitCode(EXIT_OK);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ledger restore: ${err.message}\n`);
      io.setExitCode(EXIT_USAGE);
    } else {
      const code = err instanceof RestoreRefused ? ` (${err.code})` : '';
      io.stderr(`ledger restore: refused${code}: ${(err as Error).message}\n`);
      io.setExitCode(EXIT_FAILED);
    }
  }
}
