/** The work of `ledger export-tiles` (export-tiles.ts: what it writes and when), loaded only when the command runs. */
import { toBase64 } from '../crypto/bytes.js';
import { LedgerError } from '../ledger/errors.js';
import { TileService } from '../ledger/tiles.js';
import { Store, type CheckpointRow } from '../store/index.js';
import { cosignedNote } from '../ledger/witnessing.js';
import { CHECKPOINT_PATH, TILE_HASH_SIZE, tilePath, type TileRef } from '../tiles/index.js';
import { TileDirectory } from './tile-files.js';
import type { ExportArgs } from './export-tiles.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type VerifyIo } from './verify-io.js';

export interface ExportReport {
  treeSize: number;
  /** The tree size the mirror held before (0 for a new one). */
  fromSize: number;
  /** Relative paths written by this run, checkpoint last when it changed. */
  written: string[];
  /** Tiles this run considered that were already there. */
  kept: number;
  /** Entry bundles not written because they hold a redacted entry (the hash tiles still prove it). */
  withheld: string[];
}

/** A mirror that cannot be continued from this database. */
export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

/** Runs `ledger export-tiles` with parsed options, setting the exit code. */
export function runExportTiles(io: VerifyIo, opts: ExportArgs): void {
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
    const withheld: string[] = [];
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
      const bytes = readUnlessRedacted(tiles, tile, latest.treeSize);
      if (bytes === undefined) {
        withheld.push(relative);
        continue;
      }
      dir.write(relative, bytes);
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
    return { treeSize: latest.treeSize, fromSize: mirrored, written, kept, withheld };
  });
}

/** A tile's bytes, or undefined for an entry bundle a redaction emptied (src/ledger/tiles.ts, bundleEntryBytes). */
function readUnlessRedacted(tiles: TileService, tile: TileRef, latestSize: number): Uint8Array | undefined {
  try {
    return tiles.read(tile, latestSize);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'REDACTED') return undefined;
    throw err;
  }
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
  if (r.fromSize === r.treeSize && r.written.length === 0 && r.kept === 0) {
    return `export of tree size ${r.treeSize} to ${out}: nothing new, the mirror already holds that checkpoint\n`;
  }
  const lines = [
    `export of tree size ${r.treeSize} to ${out} (the mirror held size ${r.fromSize})`,
    `  written: ${tiles.length} tiles and bundles${r.written.includes(CHECKPOINT_PATH) ? ', then the checkpoint' : '; checkpoint unchanged'}`,
    `  kept:    ${r.kept} already there (never rewritten)`,
  ];
  if (r.withheld.length) {
    lines.push(`  withheld: ${r.withheld.length} entry bundle${r.withheld.length === 1 ? '' : 's'} holding a redacted entry (${r.withheld.join(', ')}): the hash tiles still prove it`);
  }
  return `${lines.join('\n')}\n`;
}
