/**
 * `ledger export-tiles --db FILE --out DIR [--no-entries] [--rescan] [--latest-partials-only] [--json]`: writes the log as
 * C2SP tlog-tiles static files (checkpoint, every hash tile, every entry bundle; partial tiles for
 * every signed checkpoint size) for object storage with retention locks or a CDN.
 *
 * Incremental: the mirror's own `checkpoint` says how far it got, so a run writes only the tiles
 * that became full since and the partial tiles of checkpoints signed since, then the new
 * checkpoint; a run with nothing new writes nothing. A file that exists is never rewritten
 * (`--rescan` reconsiders every tile from size 0, still writing only missing files). The database
 * is opened read-only and read in one snapshot, so a live service may keep writing meanwhile.
 *
 * An entry bundle holding a redacted entry cannot be written whole (its leaf bytes are gone): it
 * is withheld and named in the report, and the rest of the mirror is written.
 *
 * Exit 0 when the mirror holds the latest signed checkpoint, 1 when it cannot be brought there
 * (the directory mirrors another log or history, a file in the way), 2 on usage errors.
 */
import { Command } from 'commander';
import { pathArgument } from './path-argument.js';
import { exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

export interface ExportArgs {
  db: string;
  out: string;
  entries: boolean;
  rescan?: boolean;
  latestPartialsOnly?: boolean;
  json?: boolean;
}

export function exportTilesCommand(io: VerifyIo = processIo()): Command {
  return new Command('export-tiles')
    .description('write the log as C2SP tlog-tiles static files (checkpoint, tiles, entry bundles), incrementally and atomically; the database is opened read-only')
    .requiredOption('--db <file>', 'the ledger database file, or a postgres:// URL', pathArgument)
    .requiredOption('--out <dir>', 'the mirror directory (created if missing)', pathArgument)
    .option('--no-entries', 'leave out the entry bundles: they hold the records, while hash tiles and the checkpoint are public')
    .option('--rescan', 'reconsider every tile from size 0, writing only the missing ones (a mirror that lost files)')
    .option('--latest-partials-only', 'write the partial tiles of the exported checkpoint only, not those of every checkpoint signed since the last run (far fewer files; the mirror then serves partial tiles for the checkpoints it published)')
    .option('--json', 'print the machine-readable report')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // The export and what it loads (the store, the tiles) only when it runs: --help stays fast.
    .action(async (opts: ExportArgs) => (await import('./export-tiles-run.js')).runExportTiles(io, opts));
}
