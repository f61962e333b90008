/** Runs one `ledger` subcommand in-process, wired as src/cli/main.ts wires it, and captures what it says. */
import { Readable } from 'node:stream';
import { Command } from 'commander';
import type { VerifyIo } from '../../src/cli/verify-io.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `make(io)` builds the subcommand (e.g. `auditCommand`); `args` follow its name. */
export async function runCommand(make: (io: VerifyIo) => Command, name: string, args: readonly string[]): Promise<Run> {
  class Exit {
    constructor(readonly code: number) {}
  }
  const run: Run = { code: 0, stdout: '', stderr: '' };
  const io: VerifyIo = {
    stdout: (text) => void (run.stdout += text),
    stderr: (text) => void (run.stderr += text),
    stdin: Readable.from([]),
    stderrIsTTY: false,
    setExitCode: (code) => void (run.code = code),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  const program = new Command('ledger').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addCommand(make(io));
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
    run.code = err.code;
  }
  return run;
}
