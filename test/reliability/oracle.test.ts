/**
 * The crash harness judges the ledger with its own arithmetic (scripts/harness-oracle.ts), so
 * that arithmetic is checked here against the shared golden vectors, which come from an
 * independent reference implementation (../shared/vectors/README.md).
 */
import { describe, expect, it } from 'vitest';
import {
  PrefixRoots,
  consistencyHolds,
  leafHashOf,
  merkleTreeHash,
  openCheckpointNote,
  parseVerifierKey,
} from '../../scripts/harness-oracle.js';
import { loadVectors } from '../support/vectors.js';

interface MerkleVectors {
  empty_root: string;
  leaves: { data_hex: string; leaf_hash: string }[];
  roots: { size: number; root: string }[];
  consistency: { old_size: number; new_size: number; old_root: string; new_root: string; proof: string[] }[];
  consistency_invalid: { case: string; old_size: number; new_size: number; old_root: string; new_root: string; proof: string[] }[];
}

interface CheckpointVectors {
  keys: { role: string; name: string; verifier_key: string; key_hash_hex: string }[];
  checkpoints: {
    case: string;
    note: string | null;
    verifier_keys: string[];
    valid: boolean;
    reason?: string;
    failure_layer?: 'note' | 'checkpoint' | 'origin';
    expected?: { origin: string; size: number; root_hash_hex: string };
  }[];
}

const merkle = loadVectors<MerkleVectors>('merkle.json');
const checkpoints = loadVectors<CheckpointVectors>('checkpoints.json');
const hex = (h: string) => Buffer.from(h, 'hex');
const leafHashes = merkle.leaves.map((l) => leafHashOf(hex(l.data_hex)));

describe('harness oracle: RFC 9162 hashing', () => {
  it('hashes every vector leaf as SHA-256(0x00 || leaf)', () => {
    expect(leafHashes.map((h) => h.toString('hex'))).toEqual(merkle.leaves.map((l) => l.leaf_hash));
  });

  it('computes every vector root, recursively and as a growing prefix', () => {
    const prefix = new PrefixRoots();
    const bySize = new Map<number, string>([[0, prefix.root().toString('hex')]]);
    for (const h of leafHashes) {
      prefix.add(h);
      bySize.set(prefix.size, prefix.root().toString('hex'));
    }
    expect(bySize.get(0)).toBe(merkle.empty_root);
    for (const r of merkle.roots) {
      expect(merkleTreeHash(leafHashes, 0, r.size).toString('hex'), `size ${r.size}`).toBe(r.root);
      expect(bySize.get(r.size), `prefix ${r.size}`).toBe(r.root);
    }
  });

  it('accepts every valid consistency proof', () => {
    for (const v of merkle.consistency) {
      const ok = consistencyHolds(v.old_size, v.new_size, hex(v.old_root), hex(v.new_root), v.proof.map(hex));
      expect(ok, `${v.old_size} -> ${v.new_size}`).toBe(true);
    }
  });

  it('rejects every corrupted consistency claim', () => {
    for (const v of merkle.consistency_invalid) {
      const ok = consistencyHolds(v.old_size, v.new_size, hex(v.old_root), hex(v.new_root), v.proof.map(hex));
      expect(ok, v.case).toBe(false);
    }
  });
});

describe('harness oracle: C2SP signed-note checkpoints', () => {
  it('parses every vector key and derives its key hash', () => {
    for (const k of checkpoints.keys) {
      const parsed = parseVerifierKey(k.verifier_key);
      expect(parsed.name).toBe(k.name);
      expect(parsed.keyId.toString('hex')).toBe(k.key_hash_hex);
    }
  });

  // The ledger's checkpoints always carry origin = key name, which the oracle requires.
  const valid = checkpoints.checkpoints.filter((c) => c.valid && c.expected && c.expected.origin === parseVerifierKey(c.verifier_keys[0]!).name);
  it.each(valid.map((c) => [c.case, c] as const))('opens the valid checkpoint %s', (_name, c) => {
    const cp = openCheckpointNote(c.note!, parseVerifierKey(c.verifier_keys[0]!));
    expect(cp.size).toBe(c.expected!.size);
    expect(cp.root.toString('hex')).toBe(c.expected!.root_hash_hex);
  });

  // The origin layer needs an expected origin other than the key name, which the harness never has.
  const badSignatures = checkpoints.checkpoints.filter((c) => !c.valid && c.note !== null && c.failure_layer !== 'origin');
  it.each(badSignatures.map((c) => [c.case, c] as const))('rejects %s', (_name, c) => {
    expect(() => openCheckpointNote(c.note!, parseVerifierKey(c.verifier_keys[0]!))).toThrow();
  });

  it('covers the vectors it claims to', () => {
    expect(valid.length).toBeGreaterThanOrEqual(9);
    expect(badSignatures.length).toBeGreaterThanOrEqual(40);
  });
});
