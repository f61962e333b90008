/**
 * `ledger report PERIOD [--control C] [--url URL] [--json]`: a period's control report from a
 * running ledger (GET /v1/reports), as a table for a person or as the JSON the API answers.
 * The auditor token comes from LEDGER_TOKEN (not an argument: arguments show in process lists).
 * To check a report rather than read it, fetch its report bundle and run `ledger verify`.
 */
import { Command } from 'commander';
import type { ControlReport, PeriodReportSummary } from '../reports/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

interface ReportArgs {
  control?: string;
  url: string;
  json?: boolean;
}

export function reportCommand(io: VerifyIo = processIo(), env: NodeJS.ProcessEnv = process.env): Command {
  return new Command('report')
    .description("print a period's control report (all controls, or one with --control) from a running ledger")
    .argument('<period>', 'period id: 2026-Q3, 2026-09, 2026-09-30 or FY2026')
    .option('--control <controlId>', 'one control: its exceptions in full')
    .option('--url <url>', 'the ledger', env.LEDGER_URL ?? 'http://localhost:8080')
    .option('--json', 'print the JSON the API answers')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (period: string, opts: ReportArgs) => {
      try {
        io.setExitCode(await runReport(io, period, opts, env.LEDGER_TOKEN));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr(`ledger report: ${err.message}\n`);
        io.setExitCode(EXIT_USAGE);
      }
    });
}

async function runReport(io: VerifyIo, period: string, opts: ReportArgs, token: string | undefined): Promise<number> {
  if (!token) throw new UsageError('set LEDGER_TOKEN to an auditor (or admin) token');
  let url: URL;
  try {
    url = new URL(`/v1/reports/${encodeURIComponent(period)}`, opts.url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(opts.url)} is not a URL`);
  }
  if (opts.control !== undefined) url.searchParams.set('controlId', opts.control);
  let res: Response;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  } catch (err) {
    io.stderr(`ledger report: cannot reach ${url.origin}: ${(err as Error).message}\n`);
    return EXIT_FAILED;
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const detail = (body as { detail?: string } | null)?.detail ?? res.statusText;
    io.stderr(`ledger report: ${res.status} ${detail}\n`);
    return res.status >= 400 && res.status < 500 && res.status !== 409 ? EXIT_USAGE : EXIT_FAILED;
  }
  if (opts.json) io.stdout(`${JSON.stringify(body, null, 2)}\n`);
  else {
    // The report rules (and their schemas) load only when a table is printed: --help stays fast.
    const { reportTable, summaryTable } = await import('../reports/index.js');
    io.stdout(opts.control === undefined ? summaryTable(body as PeriodReportSummary) : reportTable(body as ControlReport));
  }
  return EXIT_OK;
}
