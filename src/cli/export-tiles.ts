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
 * Exit 0 when the mirror holds the latest signed checkpoint, 1 when it cannot be brought there
 * (the directory mirrors another log or history, a file in the way), 2 on usage errors.
 */
import { Command } from 'commander';
import { toBase64 } from '../crypto/bytes.js';
import { TileService } from '../ledger/tiles.js';
import { Store, type CheckpointRow } from '../store/index.js';
import { cosignedNote } from '../ledger/witnessing.js';
import { CHECKPOINT_PATH, TILE_HASH_SIZE, tilePath } from '../tiles/index.js';
import { TileDirectory } from './tile-files.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, exitCodeOf, processIo, type VerifyIo } from './verify-io.js';

interface ExportArgs {
  db: string;
  out: string;
  entries: boolean;
  rescan?: boolean;
  latestPartialsOnly?: boolean;
  json?: boolean;
}

export interface ExportReport {
  treeSize: number;
  /** The tree size the mirror held before (0 for a new one). */
  fromSize: number;
  /** Relative paths written by this run, checkpoint last when it changed. */
  written: string[];
  /** Tiles this run considered that were already there. */
  kept: number;
}

/** A mirror that cannot be continued from this database. */
export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

export function exportTilesCommand(io: VerifyIo = processIo()): Command {
  return new Command('export-tiles')
    .description('write the log as C2SP tlog-tiles static files (checkpoint, tiles, entry bundles), incrementally and atomically; the database is opened read-only')
    .requiredOption('--db <file>', 'the ledger database file, or a postgres:// URL')
    .requiredOption('--out <dir>', 'the mirror directory (created if missing)')
    .option('--no-entries', 'leave out the entry bundles: they hold the records, while hash tiles and the checkpoint are public')
    .option('--rescan', 'reconsider every tile from size 0, writing only the missing ones (a mirror that lost files)')
    .option('--latest-partials-only', 'write the partial tiles of the exported checkpoint only, not those of every checkpoint signed since the last run (far fewer files; the mirror then serves partial tiles for the checkpoints it published)')
    .option('--json', 'print the machine-readable report')
    .exitOverride((err) => io.exit(exitCodeOf(err)))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((opts: ExportArgs) => {
      try {
        const store = openReadOnly(opts.db);
        try {
          const report = exportTiles(store, new TileDirectory(opts.out), {
            entries: opts.entries,
            rescan: opts.rescan === true,
            partials: opts.latestPartialsOnly ? 'latest' : 'every-checkpoint',
          });
          io.stdout(opts.json ? `${JSON.stringify(report)}\n` : reportText(opts.out, report));
          io.setExitCode(EXIT_OK);
        } finally {
          store.close();
        }
      } catch (err) {
        if (err instanceof UsageError) {
          io.stderr(`ledger export-tiles: ${err.message}\n`);
          io.setExitCode(EXIT_USAGE);
        } else {
          io.stderr(`ledger export-tiles: ${(err as Error).message}\n`);
          io.setExitCode(EXIT_FAILED);
        }
      }
    });
}

/** Brings `dir` up to the latest signed checkpoint of `store` (see the module comment). */
export interface ExportOptions {
  entries: boolean;
  rescan: boolean;
  /**
   * Partial tiles of every checkpoint signed since the mirror's (the tree the service serves), or
   * of the exported checkpoint alone: a mirror publishes one checkpoint per run, and tlog-tiles
   * requires partial tiles only for checkpoints the log published.
   */
  partials: 'every-checkpoint' | 'latest';
}

export function exportTiles(store: Store, dir: TileDirectory, opts: ExportOptions): ExportReport {
  return store.readSnapshot(() => {
    const tiles = new TileService(store);
    const latest = tiles.latest();
    if (!latest) throw new ExportRefused('no checkpoint has been signed yet: nothing to export');
    const mirrored = mirroredSize(store, dir);
    if (mirrored > latest.treeSize) {
      throw new ExportRefused(`${dir.root} already mirrors tree size ${mirrored}, beyond this database's latest checkpoint (${latest.treeSize})`);
    }
    const fromSize = opts.rescan ? 0 : mirrored;
    const written: string[] = [];
    let kept = 0;
    for (const tile of tiles.tilesSince(fromSize, latest.treeSize, opts.partials)) {
      if (tile.kind === 'entries' && !opts.entries) continue;
      const relative = tilePath(tile);
      const existing = dir.sizeOf(relative);
      if (existing !== undefined) {
        // Immutable: never rewritten. A hash tile of the wrong length is a mirror someone changed.
        if (tile.kind === 'hash' && existing !== tile.width * TILE_HASH_SIZE) {
          throw new ExportRefused(`${dir.fileOf(relative)} has ${existing} bytes, not ${tile.width * TILE_HASH_SIZE}; a tile is never overwritten`);
        }
        kept++;
        continue;
      }
      dir.write(relative, tiles.read(tile, latest.treeSize));
      written.push(relative);
    }
    // The checkpoint last, once every tile it needs is durable.
    dir.syncDirectories();
    const note = servedCheckpointNote(store, latest);
    if (dir.checkpoint() !== note) {
      dir.write(CHECKPOINT_PATH, new TextEncoder().encode(note));
      dir.syncDirectories();
      written.push(CHECKPOINT_PATH);
    }
    return { treeSize: latest.treeSize, fromSize: mirrored, written, kept };
  });
}

/**
 * The note a mirror publishes: the stored signed note with the witness cosignature lines held for
 * it, as /v1/checkpoints/{size} and /tlog/checkpoint serve it. The checkpoint is the newest signed
 * one (what /v1/checkpoint?latest=signed answers): the mirror has no witness policy to pick the
 * newest quorum one by, and a verifier with a policy takes a later run's checkpoint once cosigned.
 */
function servedCheckpointNote(store: Store, latest: CheckpointRow): string {
  return cosignedNote(store, latest);
}

/**
 * The tree size the mirror's checkpoint names (0 without one), after checking that it is a
 * checkpoint of this log's history: same origin, and the same root this database signed at that size.
 */
function mirroredSize(store: Store, dir: TileDirectory): number {
  const text = dir.checkpoint();
  if (text === undefined) return 0;
  const [origin, sizeLine, rootLine] = text.split('\n');
  const size = /^(0|[1-9]\d{0,15})$/.test(sizeLine ?? '') ? Number(sizeLine) : Number.NaN;
  if (!Number.isSafeInteger(size)) throw new ExportRefused(`${dir.fileOf(CHECKPOINT_PATH)} is not a checkpoint this tool wrote`);
  if (origin !== store.meta('origin')) {
    throw new ExportRefused(`${dir.root} mirrors the log "${origin}", not "${store.meta('origin')}"`);
  }
  const signed = store.checkpoints.at(size);
  if (!signed || toBase64(signed.rootHash) !== rootLine) {
    throw new ExportRefused(`${dir.root} mirrors a tree of size ${size} that this database never signed with that root: another history`);
  }
  return size;
}

function openReadOnly(file: string): Store {
  try {
    return Store.open(file, { readonly: true });
  } catch (err) {
    throw new UsageError(`cannot open ${file} read-only: ${(err as Error).message}`);
  }
}

function reportText(out: string, r: ExportReport): string {
  const tiles = r.written.filter((p) => p !== CHECKPOINT_PATH);
  const lines = [
    `export of tree size ${r.treeSize} to ${out} (the mirror held size ${r.fromSize})`,
    `  written: ${tiles.length} tiles and bundles${r.written.includes(CHECKPOINT_PATH) ? ', then the checkpoint' : '; checkpoint unchanged'}`,
    `  kept:    ${r.kept} already there (never rewritten)`,
  ];
  return `${lines.join('\n')}\n`;
}
