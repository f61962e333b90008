/**
 * `ledger post --url URL [--url URL ...] --token TOKEN FILE|-`: posts evidence records from a file or stdin
 * (one JSON record, a JSON array, or JSON lines) through the SDK, in batches of up to 1,000
 * (POST /v1/entries/batch, all or none each), one Idempotency-Key per batch reused by its
 * retries. Prints one JSON line per entry: {"index", "leafHash", "replayed"}.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { EvidenceRecord } from '../sdk/index.js';

const MAX_BATCH = 1000;

/** The records of `text`: one JSON object, a JSON array of them, or one per line (JSON lines). */
export function parseRecordsInput(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('the input holds no record');
  try {
    const whole = JSON.parse(trimmed) as unknown;
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // Not one JSON value: JSON lines.
  }
  return trimmed
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (err) {
        throw new Error(`line ${n} is not JSON: ${(err as Error).message}`);
      }
    });
}

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function batchSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCH) throw new InvalidArgumentError(`must be 1 to ${MAX_BATCH}`);
  return n;
}

interface PostCommandOptions {
  url: string[];
  token?: string;
  batchSize: number;
  key?: string;
  verifierKey?: string;
}

export function postCommand(): Command {
  return new Command('post')
    .description('post evidence records (one JSON record, a JSON array or JSON lines) from FILE or - (stdin)')
    .argument('<file>', 'the records, or - for stdin')
    .requiredOption('--url <url>', 'the ledger, e.g. https://ledger.example.com; repeat it for each instance of one log (PostgreSQL leader and followers: a follower\'s refusal is followed only to a listed instance)', collect)
    .option('--token <token>', 'a writer token (default: $LEDGER_TOKEN, which keeps it out of the process list)')
    .option('--batch-size <n>', `records per request, 1 to ${MAX_BATCH}`, batchSize, MAX_BATCH)
    .option('--key <prefix>', 'Idempotency-Key prefix: batch N is sent as <prefix>-N, so rerunning the same input after a failure appends nothing twice')
    .option('--verifier-key <key>', "verify every receipt against the log's verifier key")
    .action(async (file: string, opts: PostCommandOptions) => {
      const token = opts.token ?? process.env.LEDGER_TOKEN;
      if (!token) fail('a writer token is needed: --token or LEDGER_TOKEN');
      let records: unknown[];
      try {
        records = parseRecordsInput(readFileSync(file === '-' ? 0 : file, 'utf8'));
      } catch (err) {
        fail(`cannot read records from ${file === '-' ? 'stdin' : file}: ${(err as Error).message}`);
      }
      // The SDK (and the schemas it checks records with) loads only when the command runs: --help stays fast.
      const { LedgerClient } = await import('../sdk/index.js');
      const client = new LedgerClient({
        url: opts.url,
        token,
        ...(opts.verifierKey ? { verify: { verifierKey: opts.verifierKey } } : {}),
        onRetry: ({ attempt, delayMs, url, status, error }) =>
          process.stderr.write(`ledger post: attempt ${attempt} ${status ? `answered ${status}` : `failed (${(error as Error)?.message ?? error})`}; retrying at ${url} in ${delayMs} ms\n`),
      });
      let posted = 0;
      for (let start = 0, n = 1; start < records.length; start += opts.batchSize, n++) {
        const batch = records.slice(start, start + opts.batchSize) as EvidenceRecord[];
        try {
          const receipts = await client.postBatch(batch, opts.key ? { idempotencyKey: `${opts.key}-${n}` } : {});
          for (const r of receipts) process.stdout.write(`${JSON.stringify({ index: r.index, leafHash: r.leafHash, replayed: r.replayed })}\n`);
          posted += receipts.length;
        } catch (err) {
          const at = err instanceof Error && 'position' in err && typeof err.position === 'number' ? ` (record ${start + err.position + 1} of the input)` : '';
          fail(`batch ${n} (records ${start + 1} to ${start + batch.length}) was not posted${at}: ${(err as Error).message}. ${posted} records before it were posted.`);
        }
      }
      process.stderr.write(`ledger post: ${posted} records posted\n`);
    });
}

function fail(message: string): never {
  process.stderr.write(`ledger post: ${message}\n`);
  process.exit(1);
}
