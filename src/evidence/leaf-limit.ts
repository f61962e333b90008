/**
 * The largest leaf the ledger may ever write (contract, "Standard read API": a leaf is at most
 * 65,535 bytes). C2SP tlog-tiles entry bundles prefix each leaf with a big-endian uint16
 * length, so a longer leaf could never be served as a tile. `encodeLeaf` enforces it for every
 * leaf, whatever record type or envelope member is added later.
 *
 * What version 1 records can reach (test/evidence/leaf-limit.test.ts builds each worst case):
 * RFC 8785 writes a control character other than \b \t \n \f \r as `\u00XX`, 6 bytes for one
 * UTF-16 code unit, and lengths count code units; so the strings of a revocation (controlId
 * 128, system 256, actor.id, subject.id, ticket, credentialId 256 each, entitlement 1,024,
 * reason 4,096) take at most 6 x 6,528 = 39,168 bytes, the envelope's source 6 x 256 = 1,536,
 * `details` 16,384, and everything else (names, punctuation, times, prev, index) under 1 KiB:
 * about 57.5 KB in all, under the limit with room to spare; no limit had to be tightened.
 */
import { MAX_BUNDLE_ENTRY_BYTES } from '../tiles/bundle.js';
import { EvidenceError } from './errors.js';

/** At most this many bytes of leaf: what an entry bundle's uint16 length prefix can say. */
export const MAX_LEAF_BYTES = MAX_BUNDLE_ENTRY_BYTES;

/** Throws EvidenceError LEAF_TOO_LARGE when `leaf` could not be served in an entry bundle. */
export function checkLeafSize(leaf: Uint8Array): void {
  if (leaf.length <= MAX_LEAF_BYTES) return;
  const message = `the entry would be ${leaf.length} bytes of canonical JSON; a leaf is at most ${MAX_LEAF_BYTES} bytes (C2SP tlog-tiles entry bundles)`;
  throw new EvidenceError('LEAF_TOO_LARGE', message, [{ field: 'record', message: `record: ${message}` }]);
}
