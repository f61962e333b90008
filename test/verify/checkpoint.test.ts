/**
 * verifyCheckpointText against the golden vectors of ../shared/vectors/checkpoints.json (an
 * independent reference implementation): every valid case opens with its one known key, every
 * invalid one is a BAD_CHECKPOINT problem, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { verifyCheckpointText } from '../../src/verify/index.js';
import { loadVectors } from '../support/vectors.js';

interface CheckpointCase {
  case: string;
  valid: boolean;
  note_hex: string;
  verifier_keys: string[];
  expected_origin: string | null;
  expected?: { origin: string; size: number; root_hash_hex: string };
}

const vectors = loadVectors<{ checkpoints: CheckpointCase[] }>('checkpoints.json');
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
/** Our API takes the one key the auditor trusts; cases with several known keys test something else. */
const oneKey = vectors.checkpoints.filter((v) => v.verifier_keys.length === 1);
const keyName = (vkey: string) => vkey.slice(0, vkey.indexOf('+'));

describe.each([nodeCrypto, nobleCrypto])('verifyCheckpointText ($name crypto)', (c) => {
  it('has vectors to run', () => expect(oneKey.length).toBeGreaterThan(40));

  it.each(oneKey.filter((v) => v.valid && v.expected_origin !== null))('accepts $case', (v) => {
    const verdict = verifyCheckpointText(c, bytes(v.note_hex), v.verifier_keys[0]!, { expectedOrigin: v.expected_origin! });
    expect(verdict).toMatchObject({ ok: true, checkpoint: { origin: v.expected!.origin, treeSize: v.expected!.size, rootHash: v.expected!.root_hash_hex } });
  });

  it.each(oneKey.filter((v) => !v.valid))('rejects $case', (v) => {
    const opts = v.expected_origin === null ? {} : { expectedOrigin: v.expected_origin };
    const verdict = verifyCheckpointText(c, bytes(v.note_hex), v.verifier_keys[0]!, opts);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.problem.code).toBe('BAD_CHECKPOINT');
  });

  it('requires by default the origin to be the key name (contract: the key name is the origin)', () => {
    const v = oneKey.find((x) => x.case === 'origin-differs-from-key-name')!;
    expect(v.expected!.origin).not.toBe(keyName(v.verifier_keys[0]!));
    expect(verifyCheckpointText(c, bytes(v.note_hex), v.verifier_keys[0]!).ok).toBe(false);
    expect(verifyCheckpointText(c, bytes(v.note_hex), v.verifier_keys[0]!, { expectedOrigin: v.expected!.origin }).ok).toBe(true);
  });

  it('answers BAD_KEY for a key that is not a verifier key', () => {
    const v = oneKey.find((x) => x.valid)!;
    const verdict = verifyCheckpointText(c, bytes(v.note_hex), 'ledger.example/log+00000000+AAAA');
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.problem.code).toBe('BAD_KEY');
  });
});
