/**
 * The auditor's offline commands, which need no server and no database:
 *
 *   ledger verify BUNDLE --key VKEY [--json] [--fiscal-year-start M]
 *   ledger verify-checkpoint FILE --key VKEY [--origin O] [--json]
 *   ledger verify-proof FILE --key VKEY [--json]
 *
 * FILE or BUNDLE is a path or `-` for stdin; VKEY is the log's verifier key or a file holding it.
 * Exit 0 only when everything holds, 1 when anything does not, 2 for a usage error. Nothing
 * here reads the clock: the same inputs give the same verdict on any machine, at any time.
 * Uses only src/verify, src/note, src/crypto (and node:fs to read the inputs).
 */
import { Readable } from 'node:stream';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { nodeCrypto } from '../crypto/node.js';
import { problem, verifyBundle, verifyCheckpointText, verifyTlogProofText, type BundleReport } from '../verify/index.js';
import { bundleProblemsText, checkpointText, entryLine, summaryText, tlogProofText } from './verify-print.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  decodeUtf8,
  exitCodeOf,
  processIo,
  readInput,
  readKeyArgument,
  type VerifyIo,
} from './verify-io.js';

/** Below this many entries a bundle verifies too fast for a progress bar to help. */
const PROGRESS_MIN_ENTRIES = 1000;

/** Runs an action, turning its result or usage error into the exit code. */
async function run(io: VerifyIo, action: () => Promise<number>): Promise<void> {
  try {
    io.setExitCode(await action());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`ledger: ${err.message}\n`);
    io.setExitCode(EXIT_USAGE);
  }
}

function fiscalYearStartOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(?:[1-9]|1[0-2])$/.test(value)) throw new UsageError('--fiscal-year-start must be a month number from 1 to 12');
  return Number(value);
}

function progressBar(io: VerifyIo, total: number): ((done: number) => void) & { stop(): void } {
  if (!io.stderrIsTTY || !io.stderrStream || total < PROGRESS_MIN_ENTRIES) return Object.assign(() => {}, { stop() {} });
  const bar = new cliProgress.SingleBar(
    { stream: io.stderrStream, format: 'verifying [{bar}] {percentage}% | {value}/{total} entries | ETA {eta}s', clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return Object.assign((done: number) => bar.update(done), { stop: () => bar.stop() });
}

async function verifyBundleFile(io: VerifyIo, path: string, opts: { key: string; json?: boolean; fiscalYearStart?: string }): Promise<number> {
  const key = readKeyArgument(opts.key);
  const fiscalYearStart = fiscalYearStartOption(opts.fiscalYearStart);
  const text = decodeUtf8(await readInput(io, path), 'the bundle');
  let report: BundleReport;
  try {
    const bundle: unknown = JSON.parse(text);
    const total = Array.isArray((bundle as { entries?: unknown } | null)?.entries) ? (bundle as { entries: unknown[] }).entries.length : 0;
    const bar = progressBar(io, total);
    try {
      report = verifyBundle(nodeCrypto, bundle, key, (done) => bar(done), fiscalYearStart === undefined ? {} : { fiscalYearStart });
    } finally {
      bar.stop();
    }
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    // Truncated or otherwise broken JSON is a bundle that does not verify, not a usage error.
    report = verifyBundle(nodeCrypto, null, key);
    report.problems.unshift(problem('BAD_SHAPE', `the bundle is not valid JSON (truncated?): ${err.message}`));
  }
  if (opts.json) io.stdout(`${JSON.stringify(report)}\n`);
  else io.stdout(`${report.entries.map(entryLine).join('')}${bundleProblemsText(report.problems)}${summaryText(report.summary)}`);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

async function verifyCheckpointFile(io: VerifyIo, path: string, opts: { key: string; origin?: string; json?: boolean }): Promise<number> {
  const key = readKeyArgument(opts.key);
  const note = decodeUtf8(await readInput(io, path), 'the checkpoint');
  const verdict = verifyCheckpointText(nodeCrypto, note, key, opts.origin === undefined ? {} : { expectedOrigin: opts.origin });
  if (opts.json) {
    const { root: _root, ...checkpoint } = verdict.ok ? verdict.checkpoint : { root: null };
    io.stdout(`${JSON.stringify(verdict.ok ? { ok: true, checkpoint } : { ok: false, problems: [verdict.problem] })}\n`);
  } else if (verdict.ok) io.stdout(checkpointText(verdict.checkpoint));
  else io.stdout(`    ${verdict.problem.code}: ${verdict.problem.message}\nRESULT: NOT VERIFIED\n`);
  return verdict.ok ? EXIT_OK : EXIT_FAILED;
}

async function verifyProofFile(io: VerifyIo, path: string, opts: { key: string; json?: boolean }): Promise<number> {
  const key = readKeyArgument(opts.key);
  const report = verifyTlogProofText(nodeCrypto, await readInput(io, path), key);
  io.stdout(opts.json ? `${JSON.stringify(report)}\n` : tlogProofText(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

const KEY_HELP = 'the log verifier key (<name>+<hex8>+<base64>), or a file holding it';

/** The three commands, wired to `io`; main.ts adds them to the `ledger` program. */
export function verifyCommands(io: VerifyIo = processIo()): Command[] {
  const commands = [
    new Command('verify')
      .description('verify an evidence bundle offline: signatures, leaf hashes, inclusion and consistency proofs, hash chain')
      .argument('<bundle>', 'bundle file, or - for stdin')
      .requiredOption('--key <vkey>', KEY_HELP)
      .option('--json', 'print the machine-readable report')
      .option('--fiscal-year-start <month>', 'fiscal year start month as you know it (default: the bundle’s)')
      .action((path: string, opts) => run(io, () => verifyBundleFile(io, path, opts))),
    new Command('verify-checkpoint')
      .description('verify a signed checkpoint (C2SP signed-note, tlog-checkpoint) offline')
      .argument('<file>', 'checkpoint note file, or - for stdin')
      .requiredOption('--key <vkey>', KEY_HELP)
      .option('--origin <origin>', 'the origin the checkpoint must name (default: the key name)')
      .option('--json', 'print the machine-readable verdict')
      .action((path: string, opts) => run(io, () => verifyCheckpointFile(io, path, opts))),
    new Command('verify-proof')
      .description('verify a C2SP tlog-proof of one entry (its extra line carries the leaf bytes) offline')
      .argument('<file>', 'tlog-proof file, or - for stdin')
      .requiredOption('--key <vkey>', KEY_HELP)
      .option('--json', 'print the machine-readable report')
      .action((path: string, opts) => run(io, () => verifyProofFile(io, path, opts))),
  ];
  for (const c of commands) {
    c.exitOverride((err) => io.exit(exitCodeOf(err))).configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return commands;
}

export interface CliStreams {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin?: Readable;
}

/**
 * Runs the verify commands in-process with `argv` (without `node` and the script) and answers
 * the exit code, for tests and embedding; `ledger` itself adds `verifyCommands()` to its program.
 */
export async function runVerifyCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  class Exit {
    constructor(readonly code: number) {}
  }
  let code = EXIT_OK;
  const io: VerifyIo = {
    stdout: streams.stdout,
    stderr: streams.stderr,
    stdin: streams.stdin ?? Readable.from([]),
    stderrIsTTY: false,
    setExitCode: (c) => {
      code = c;
    },
    exit: (c) => {
      throw new Exit(c);
    },
  };
  const program = new Command('ledger')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const c of verifyCommands(io)) program.addCommand(c);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof Exit) return err.code;
    throw err;
  }
  return code;
}
