/**
 * The static mirror `ledger export-tiles` writes: C2SP tlog-tiles resources as files under one
 * directory (`checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`), the layout the
 * spec's `x001/x234/067` index form was designed for (no file is also a directory).
 *
 * Every file is written whole or not at all (temporary file, fsync, rename), tiles are never
 * rewritten (a tile is immutable once it exists, so object storage can lock it), and the
 * checkpoint is written last, after the directories of the new tiles are synced: a mirror never
 * names a tree whose tiles it does not hold.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_PATH } from '../tiles/index.js';

export class TileDirectory {
  /** Directories that gained an entry since the last sync. */
  private readonly touched = new Set<string>();

  constructor(readonly root: string) {}

  fileOf(relative: string): string {
    return path.join(this.root, ...relative.split('/'));
  }

  /** Size of the file at `relative`, or undefined when there is none. */
  sizeOf(relative: string): number | undefined {
    const file = this.fileOf(relative);
    return existsSync(file) ? statSync(file).size : undefined;
  }

  /** The checkpoint the mirror publishes now, if any. */
  checkpoint(): string | undefined {
    const file = this.fileOf(CHECKPOINT_PATH);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  /** Writes `relative` atomically: readers see the old file (or none) or the whole new one. */
  write(relative: string, bytes: Uint8Array): void {
    const file = this.fileOf(relative);
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const fd = openSync(temp, 'wx', 0o644);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    this.touched.add(dir);
  }

  /** Makes the renames so far durable: fsync of every directory that gained a file. */
  syncDirectories(): void {
    for (const dir of this.touched) {
      const fd = openSync(dir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.touched.clear();
  }
}
