/** The work of the verify commands (verify.ts), loaded only when one of them runs. */
import cliProgress from 'cli-progress';
import { nodeCrypto } from '../crypto/node.js';
import { BundleStreamVerifier, verifyCheckpointText, verifyTlogProofText } from '../verify/index.js';
import { MAX_SAMPLE_SIZE, isValidNonce } from '../reports/index.js';
import { bundleProblemsText, checkpointText, entryLine, recordLine, summaryText, tlogProofText } from '../verify/print.js';
import {
  BufferedOutput,
  EXIT_FAILED,
  EXIT_OK,
  UsageError,
  decodeUtf8,
  inputChunks,
  inputSize,
  readInput,
  readTrustArguments,
  type VerifyIo,
} from './verify-io.js';

/** Below this size a bundle verifies too fast for a progress bar to help (about 600 entries). */
const PROGRESS_MIN_BYTES = 1024 * 1024;
const MIB = 1024 * 1024;

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

export async function verifyBundleFile(
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

export async function verifyCheckpointFile(io: VerifyIo, path: string, opts: { key?: string; policy?: string; origin?: string; json?: boolean }): Promise<number> {
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

export async function verifyProofFile(io: VerifyIo, path: string, opts: { key?: string; policy?: string; json?: boolean }): Promise<number> {
  const { key, policy } = readTrustArguments(opts);
  const report = verifyTlogProofText(nodeCrypto, await readInput(io, path), key, policy ? { policy } : {});
  io.stdout(opts.json ? `${JSON.stringify(report)}\n` : tlogProofText(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

