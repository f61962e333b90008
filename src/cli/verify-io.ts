/**
 * What the verify commands need from the outside world, so a test can run them in-process:
 * output streams, stdin, whether stderr is a terminal, and how a command ends. Reading
 * inputs (a path or `-` for stdin) and the `--key` argument (a key, or a file holding one).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CommanderError } from 'commander';
import { nodeCrypto } from '../crypto/node.js';
import { parseVerifierKey, parseWitnessPolicy, type VerifierKey, type WitnessPolicy } from '../note/index.js';
import { verifierKeyText } from '../verify/key-text.js';

/** Exit codes (contract: 0 only when everything holds). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface VerifyIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin: Readable;
  /** A progress bar is drawn only on a terminal. */
  stderrIsTTY: boolean;
  /** Stderr as a stream, for the progress bar. */
  stderrStream?: NodeJS.WritableStream;
  /** Records how the command ends; returns normally so buffered output is flushed first. */
  setExitCode(code: number): void;
  /** Ends at once (a usage error found by the argument parser). Must not return. */
  exit(code: number): never;
}

/** A usage problem of ours (bad --key, unreadable file): exit 2 with a message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The real process. */
export function processIo(): VerifyIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    stderrIsTTY: process.stderr.isTTY === true,
    stderrStream: process.stderr,
    setExitCode: (code) => {
      process.exitCode = code;
    },
    exit: (code) => process.exit(code),
  };
}

/**
 * For commands that take no VerifyIo: commander's usage errors (unknown option or command, a
 * missing required option, help shown because nothing was asked) exit 2 like every other
 * command's; help and version asked for exit 0.
 */
export function exitOnUsageError(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? EXIT_OK : EXIT_USAGE);
}

/** Commander's own exits: help and version are fine, everything else is a usage error. */
export function exitCodeOf(err: CommanderError): number {
  return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version'
    ? EXIT_OK
    : EXIT_USAGE;
}

/** All of `path`, or of stdin for `-`. */
export async function readInput(io: VerifyIo, path: string): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return new Uint8Array(Buffer.concat(chunks));
  }
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Size in bytes of the file at `path` (undefined for stdin); a usage error when it cannot be read. */
export function inputSize(path: string): number | undefined {
  if (path === '-') return undefined;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    return stat.size;
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** The raw bytes of `path` (or stdin for `-`), chunk by chunk, without holding them all. */
export async function* inputChunks(io: VerifyIo, path: string): AsyncGenerator<Uint8Array> {
  const stream = path === '-' ? io.stdin : createReadStream(path);
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
}

/** Batches many small writes (one line per entry) into fewer large ones. */
export class BufferedOutput {
  private parts: string[] = [];
  private length = 0;

  constructor(
    private readonly sink: (text: string) => void,
    private readonly limit = 64 * 1024,
  ) {}

  write(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= this.limit) this.flush();
  }

  flush(): void {
    if (this.parts.length) this.sink(this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

/** Strict UTF-8; a bundle, checkpoint or proof in any other encoding is not one. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${what} is not UTF-8 text`);
  }
}

/** What --key accepts, for every message about it. */
const KEY_FORMS = 'a verifier key (<name>+<hex8>+<base64>), or a file holding one or the JSON GET /v1/key answers';

/**
 * `--key` and `--policy`: the log key the auditor trusts and, with a C2SP tlog-policy file, the
 * witnesses and quorum every anchor checkpoint must carry. Without `--key`, the policy's one log
 * line gives the key.
 */
export function readTrustArguments(opts: { key?: string; policy?: string }): { key: VerifierKey; policy?: WitnessPolicy } {
  const policy = opts.policy === undefined ? undefined : readPolicyArgument(opts.policy);
  if (opts.key !== undefined) {
    const key = readKeyArgument(opts.key);
    if (!policy) return { key };
    if (policy.logs.length > 0 && !policy.logs.some((l) => l.key.name === key.name && l.key.keyHash === key.keyHash)) {
      throw new UsageError('--key is not one of the logs of the --policy file');
    }
    return { key, policy };
  }
  if (!policy) throw new UsageError('give --key <vkey> or --policy <file>');
  if (policy.logs.length !== 1) throw new UsageError(`the policy lists ${policy.logs.length} logs; say which with --key`);
  return { key: policy.logs[0]!.key, policy };
}

/** `--policy`: a C2SP tlog-policy file, parsed (its logs may be none, one or several). */
export function readPolicyArgument(file: string): WitnessPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --policy file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseWitnessPolicy(nodeCrypto, text);
  } catch (err) {
    throw new UsageError(`--policy file ${file}: ${(err as Error).message}`);
  }
}

/**
 * `--key`: {@link KEY_FORMS} (surrounding whitespace ignored). The key is what the auditor
 * obtained independently; nothing in the input replaces it.
 */
export function readKeyArgument(value: string): VerifierKey {
  const attempt = (text: string): VerifierKey | Error => {
    try {
      return parseVerifierKey(nodeCrypto, verifierKeyText(text));
    } catch (err) {
      return err as Error;
    }
  };
  const direct = attempt(value);
  if (!(direct instanceof Error)) return direct;
  if (!existsSync(value)) throw new UsageError(`--key is neither a verifier key nor a readable file (${direct.message}); give ${KEY_FORMS}`);
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --key file ${value}: ${(err as Error).message}`);
  }
  const fromFile = attempt(text);
  if (fromFile instanceof Error) throw new UsageError(`--key file ${value} does not hold a verifier key (${fromFile.message}); give ${KEY_FORMS}`);
  return fromFile;
}
