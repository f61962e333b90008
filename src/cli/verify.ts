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
import { BundleStreamVerifier, verifyCheckpointText, verifyTlogProofText } from '../verify/index.js';
import { MAX_SAMPLE_SIZE, isValidNonce } from '../reports/index.js';
import { bundleProblemsText, checkpointText, entryLine, recordLine, summaryText, tlogProofText } from '../verify/print.js';
import {
  BufferedOutput,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  decodeUtf8,
  exitCodeOf,
  inputChunks,
  inputSize,
  processIo,
  readInput,
  readTrustArguments,
  type VerifyIo,
} from './verify-io.js';

/** Below this size a bundle verifies too fast for a progress bar to help (about 600 entries). */
const PROGRESS_MIN_BYTES = 1024 * 1024;
const MIB = 1024 * 1024;

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

function progressBar(io: VerifyIo, totalBytes: number | undefined): ((bytes: number) => void) & { stop(): void } {
  if (!io.stderrIsTTY || !io.stderrStream || totalBytes === undefined || totalBytes < PROGRESS_MIN_BYTES) {
    return Object.assign(() => {}, { stop() {} });
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderrStream,
      format: 'verifying [{bar}] {percentage}% | {value}/{total} MiB | ETA {eta}s',
      formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? (v / MIB).toFixed(1) : String(v)),
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes, 0);
  return Object.assign((bytes: number) => bar.update(bytes), { stop: () => bar.stop() });
}

/**
 * Streams the bundle through BundleStreamVerifier: memory stays flat however many entries it
 * holds. For a person, a failed entry is printed as soon as it is known, with its problems, and
 * a verified one only with --records (as what its record says); the summary counts the verified
 * records by type. With --json the whole machine report is written the same way, `entries` first.
 */
function sampleOption(nonce: string | undefined, size: string | undefined): { nonce: string; size: number } | undefined {
  if (nonce === undefined && size === undefined) return undefined;
  if (nonce === undefined || !isValidNonce(nonce)) throw new UsageError('--nonce must be 1 to 128 printable ASCII characters without spaces');
  if (size === undefined || !/^[1-9]\d{0,3}$/.test(size) || Number(size) > MAX_SAMPLE_SIZE) throw new UsageError(`--sample-size must be from 1 to ${MAX_SAMPLE_SIZE}`);
  return { nonce, size: Number(size) };
}

async function verifyBundleFile(
  io: VerifyIo,
  path: string,
  opts: { key?: string; policy?: string; json?: boolean; records?: boolean; fiscalYearStart?: string; nonce?: string; sampleSize?: string },
): Promise<number> {
  const { key, policy } = readTrustArguments(opts);
  const fiscalYearStart = fiscalYearStartOption(opts.fiscalYearStart);
  const sample = sampleOption(opts.nonce, opts.sampleSize);
  const size = inputSize(path);
  const out = new BufferedOutput(io.stdout);
  let printed = 0;
  if (opts.json) out.write('{"entries":[');
  const options = { ...(fiscalYearStart === undefined ? {} : { fiscalYearStart }), ...(policy ? { policy } : {}), ...(sample ? { sample } : {}) };
  const verifier = new BundleStreamVerifier(nodeCrypto, key, options, (v, record) => {
    if (opts.json) out.write(`${printed++ ? ',' : ''}${JSON.stringify(v)}`);
    else out.write(opts.records && record ? recordLine(v, record) : entryLine(v));
  });
  const bar = progressBar(io, size);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let read = 0;
  try {
    for await (const chunk of inputChunks(io, path)) {
      verifier.write(decoder.decode(chunk, { stream: true }));
      read += chunk.byteLength;
      bar(read);
    }
    verifier.write(decoder.decode());
  } catch (err) {
    if (!(err instanceof TypeError)) throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
    verifier.abort('it is not UTF-8 text');
  } finally {
    bar.stop();
  }
  const result = verifier.end();
  if (opts.json) {
    out.write(`],"ok":${result.ok},"problems":${JSON.stringify(result.problems)},"summary":${JSON.stringify(result.summary)}}\n`);
  } else {
    out.write(`${bundleProblemsText(result.problems)}${summaryText(result.summary)}`);
  }
  out.flush();
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

async function verifyCheckpointFile(io: VerifyIo, path: string, opts: { key?: string; policy?: string; origin?: string; json?: boolean }): Promise<number> {
  const { key, policy } = readTrustArguments(opts);
  const note = decodeUtf8(await readInput(io, path), 'the checkpoint');
  const verdict = verifyCheckpointText(nodeCrypto, note, key, { ...(opts.origin === undefined ? {} : { expectedOrigin: opts.origin }), ...(policy ? { policy } : {}) });
  if (opts.json) {
    const { root: _root, ...checkpoint } = verdict.ok ? verdict.checkpoint : { root: null };
    io.stdout(`${JSON.stringify(verdict.ok ? { ok: true, checkpoint } : { ok: false, problems: [verdict.problem] })}\n`);
  } else if (verdict.ok) io.stdout(checkpointText(verdict.checkpoint));
  else io.stdout(`    ${verdict.problem.code}: ${verdict.problem.message}\nRESULT: NOT VERIFIED\n`);
  return verdict.ok ? EXIT_OK : EXIT_FAILED;
}

async function verifyProofFile(io: VerifyIo, path: string, opts: { key?: string; policy?: string; json?: boolean }): Promise<number> {
  const { key, policy } = readTrustArguments(opts);
  const report = verifyTlogProofText(nodeCrypto, await readInput(io, path), key, policy ? { policy } : {});
  io.stdout(opts.json ? `${JSON.stringify(report)}\n` : tlogProofText(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

const KEY_HELP = 'the log verifier key (<name>+<hex8>+<base64>), or a file holding it or the JSON GET /v1/key answers (default: the --policy file’s log)';
const POLICY_HELP = 'a C2SP tlog-policy file: the anchor checkpoint must carry its quorum of witness cosignatures';

/** The three commands, wired to `io`; main.ts adds them to the `ledger` program. */
export function verifyCommands(io: VerifyIo = processIo()): Command[] {
  const commands = [
    new Command('verify')
      .description('verify an evidence bundle offline: signatures, leaf hashes, inclusion and consistency proofs, hash chain')
      .argument('<bundle>', 'bundle file, or - for stdin')
      .option('--key <vkey>', KEY_HELP)
      .option('--policy <file>', POLICY_HELP)
      .option('--json', 'print the machine-readable report (every entry\'s verdict)')
      .option('--records', 'also list every verified record (type, control, system, actor -> subject, time)')
      .option('--fiscal-year-start <month>', 'fiscal year start month as you know it (default: the bundle’s)')
      .option('--nonce <nonce>', 'report bundles: re-derive the audit sample drawn with this nonce')
      .option('--sample-size <n>', 'report bundles: the sample size asked for (with --nonce)')
      .action((path: string, opts) => run(io, () => verifyBundleFile(io, path, opts))),
    new Command('verify-checkpoint')
      .description('verify a signed checkpoint (C2SP signed-note, tlog-checkpoint) offline')
      .argument('<file>', 'checkpoint note file, or - for stdin')
      .option('--key <vkey>', KEY_HELP)
      .option('--policy <file>', POLICY_HELP)
      .option('--origin <origin>', 'the origin the checkpoint must name (default: the key name)')
      .option('--json', 'print the machine-readable verdict')
      .action((path: string, opts) => run(io, () => verifyCheckpointFile(io, path, opts))),
    new Command('verify-proof')
      .description('verify a C2SP tlog-proof of one entry (its extra line carries the leaf bytes) offline')
      .argument('<file>', 'tlog-proof file, or - for stdin')
      .option('--key <vkey>', KEY_HELP)
      .option('--policy <file>', POLICY_HELP)
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
