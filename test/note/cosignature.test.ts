/**
 * C2SP tlog-cosignature v1.0.1 against ../shared/vectors/cosignatures.json (independent reference
 * implementation, fixed seeds), with both crypto implementations.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  NoteError,
  cosignCheckpoint,
  cosignatureMessage,
  cosignerKeyHash,
  formatCosignerKey,
  formatCosignerSignerKey,
  generateCosignerKey,
  openCheckpoint,
  parseCosignerKey,
  parseCosignerSignerKey,
  parseVerifierKey,
  verifyCosignatures,
} from '../../src/note/index.js';
import { fromHex } from '../../src/crypto/bytes.js';
import { loadVectors } from '../support/vectors.js';
import { cryptos } from './fixtures.js';

interface CosignatureCase {
  name: string;
  seed_hex: string;
  public_key_hex: string;
  vkey: string;
  key_id_hex: string;
  timestamp: number;
  checkpoint_body: string;
  signed_message_b64: string;
  cosignature_line: string;
  cosigned_note: string;
}
interface Negative {
  why: string;
  cosignature_line?: string;
  checkpoint_body?: string;
}
const vectors = loadVectors<{ log_vkey: string; cases: CosignatureCase[]; negative: Negative[] }>('cosignatures.json');
const case0 = vectors.cases[0]!;

/** Case 0's note with one part replaced as the negative case says. */
function negativeNote(n: Negative): string {
  const note = case0.cosigned_note;
  if (n.cosignature_line) return note.replace(case0.cosignature_line, n.cosignature_line);
  return note.replace(case0.checkpoint_body, n.checkpoint_body!);
}

describe.each(cryptos)('cosignature/v1 ($name crypto)', (c) => {
  it.each(vectors.cases)('derives the key ID and vkey of $name (case $key_id_hex)', (v) => {
    // Independent of the code under test: SHA-256(name || 0x0A || 0x04 || key)[:4] by node:crypto.
    const expected = createHash('sha256').update(v.name).update(Buffer.from([0x0a, 0x04])).update(Buffer.from(v.public_key_hex, 'hex')).digest('hex').slice(0, 8);
    expect(expected).toBe(v.key_id_hex);
    const key = parseCosignerKey(c, v.vkey);
    expect(key.keyHash).toBe(parseInt(v.key_id_hex, 16));
    expect(cosignerKeyHash(c, v.name, fromHex(v.public_key_hex))).toBe(key.keyHash);
    expect(formatCosignerKey(key)).toBe(v.vkey);
    const signer = generateCosignerKey(c, v.name, fromHex(v.seed_hex));
    expect(Buffer.from(signer.publicKey).toString('hex')).toBe(v.public_key_hex);
    expect(parseCosignerSignerKey(c, formatCosignerSignerKey(signer)).keyHash).toBe(key.keyHash);
  });

  it.each(vectors.cases)('builds the exact signed message and cosignature line ($key_id_hex)', (v) => {
    expect(Buffer.from(cosignatureMessage(v.checkpoint_body, v.timestamp)).toString('base64')).toBe(v.signed_message_b64);
    const signer = generateCosignerKey(c, v.name, fromHex(v.seed_hex));
    expect(cosignCheckpoint(c, v.checkpoint_body, signer, v.timestamp)).toBe(v.cosignature_line);
  });

  it.each(vectors.cases)('verifies the cosigned note, log signature first, and reports the timestamp ($key_id_hex)', (v) => {
    const opened = openCheckpoint(c, v.cosigned_note, [parseVerifierKey(c, vectors.log_vkey)]);
    expect(opened.note.text).toBe(v.checkpoint_body);
    const result = verifyCosignatures(c, v.cosigned_note, [parseCosignerKey(c, v.vkey)]);
    expect(result.cosignatures).toEqual([{ name: v.name, keyHash: parseInt(v.key_id_hex, 16), timestamp: v.timestamp, line: v.cosignature_line.slice(0, -1) }]);
  });

  it('ignores a cosignature from an unknown cosigner', () => {
    const other = vectors.cases.find((v) => v.vkey !== case0.vkey)!;
    expect(verifyCosignatures(c, case0.cosigned_note, [parseCosignerKey(c, other.vkey)]).cosignatures).toEqual([]);
  });

  it.each(vectors.negative)('rejects case 0 when $why', (n) => {
    const note = negativeNote(n);
    const key = parseCosignerKey(c, case0.vkey);
    let err: unknown;
    try {
      verifyCosignatures(c, note, [key]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NoteError);
    expect((err as NoteError).code).toBe('BAD_SIGNATURE');
  });

  it('refuses a log (0x01) key where a cosigner key is expected, and the other way round', () => {
    expect(() => parseCosignerKey(c, vectors.log_vkey)).toThrow(/type 0x01/);
    expect(() => parseVerifierKey(c, case0.vkey)).toThrow(NoteError);
  });

  it('refuses a vkey whose key ID does not match', () => {
    const [name, , key] = case0.vkey.split('+');
    expect(() => parseCosignerKey(c, `${name}+00000000+${key}`)).toThrow(/does not match/);
  });
});
