/**
 * C2SP tlog-tiles entry bundles ("Log entries"): the leaves of up to 256 consecutive entries,
 * each prefixed by its length as a big-endian uint16. So no entry may exceed 65,535 bytes; the
 * evidence module refuses to encode a longer leaf (MAX_LEAF_BYTES), and this checks again.
 */
import { TileError } from './errors.js';

/** The largest entry a uint16 length prefix can describe. */
export const MAX_BUNDLE_ENTRY_BYTES = 0xffff;

/** The bundle of `entries`, in order: uint16be(length) || bytes, for each. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_BUNDLE_ENTRY_BYTES) {
      throw new TileError('ENTRY_TOO_LARGE', `bundle entry ${i} is ${e.length} bytes; a uint16 length prefix holds at most ${MAX_BUNDLE_ENTRY_BYTES}`);
    }
    total += 2 + e.length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >>> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}
