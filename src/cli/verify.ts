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
import { EXIT_OK, EXIT_USAGE, UsageError, exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

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
      .action((path: string, opts) => run(io, async () => (await import('./verify-run.js')).verifyBundleFile(io, path, opts))),
    new Command('verify-checkpoint')
      .description('verify a signed checkpoint (C2SP signed-note, tlog-checkpoint) offline')
      .argument('<file>', 'checkpoint note file, or - for stdin')
      .option('--key <vkey>', KEY_HELP)
      .option('--policy <file>', POLICY_HELP)
      .option('--origin <origin>', 'the origin the checkpoint must name (default: the key name)')
      .option('--json', 'print the machine-readable verdict')
      .action((path: string, opts) => run(io, async () => (await import('./verify-run.js')).verifyCheckpointFile(io, path, opts))),
    new Command('verify-proof')
      .description('verify a C2SP tlog-proof of one entry (its extra line carries the leaf bytes) offline')
      .argument('<file>', 'tlog-proof file, or - for stdin')
      .option('--key <vkey>', KEY_HELP)
      .option('--policy <file>', POLICY_HELP)
      .option('--json', 'print the machine-readable report')
      .action((path: string, opts) => run(io, async () => (await import('./verify-run.js')).verifyProofFile(io, path, opts))),
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
