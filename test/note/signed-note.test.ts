import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  MAX_SIGNATURE_LINES,
  NoteError,
  generateSignerKey,
  keyHash,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifierKeyOf,
} from '../../src/note/index.js';
import type { Crypto } from '../../src/crypto/types.js';
import { CODE_FOR_REASON, cryptos, hexBytes, keyByRole, thrownBy, vectors } from './fixtures.js';

const signerOf = (c: Crypto, role: string) => parseSignerKey(c, keyByRole(role).signer_key);
const verifiersOf = (c: Crypto, keys: string[]) => keys.map((k) => parseVerifierKey(c, k));

function expectNoteError(fn: () => unknown, code: string): NoteError {
  const err = thrownBy(fn);
  expect(err).toBeInstanceOf(NoteError);
  expect((err as NoteError).code).toBe(code);
  return err as NoteError;
}

// Checkpoint cases that fail above the signed-note layer are still good signed notes.
const goodNotes = vectors.checkpoints.filter((v) => v.valid || v.failure_layer !== 'note');
const badNotes = vectors.checkpoints.filter((v) => !v.valid && v.failure_layer === 'note');

describe.each(cryptos)('signed note ($name crypto)', (c) => {
  describe('plain notes from the vectors', () => {
    it.each(vectors.signed_notes.filter((v) => v.valid))('opens $case and re-signs it byte for byte', (v) => {
      const opened = openNote(c, hexBytes(v.note_hex), verifiersOf(c, v.verifier_keys));
      expect(opened.text).toBe(v.text);
      expect(signNote(c, v.text, [parseSignerKey(c, v.signer_key!)])).toBe(v.note);
      expect(Buffer.from(signNote(c, v.text, [parseSignerKey(c, v.signer_key!)]), 'utf8').toString('hex')).toBe(v.note_hex);
    });

    it.each(vectors.signed_notes.filter((v) => !v.valid))('rejects $case', (v) => {
      expectNoteError(() => openNote(c, hexBytes(v.note_hex), verifiersOf(c, v.verifier_keys)), 'NO_KNOWN_SIGNATURE');
    });
  });

  describe('checkpoint vectors at the signed-note layer', () => {
    it.each(goodNotes)('opens $case', (v) => {
      const opened = openNote(c, hexBytes(v.note_hex), verifiersOf(c, v.verifier_keys));
      const text = Buffer.from(v.note_hex, 'hex').toString('utf8');
      expect(text.startsWith(opened.text + '\n')).toBe(true);
      if (v.expected) {
        expect(
          opened.verified.map((s) => ({ name: s.name, key_hash_hex: s.keyHash.toString(16).padStart(8, '0'), signature_b64: s.signature })),
        ).toEqual(v.expected.verified_signatures);
        // Every other line is from a key the verifier does not know.
        expect(opened.verified.length + opened.unverified.length).toBe(v.signed_by!.length);
      }
    });

    it.each(badNotes)('rejects $case: $description', (v) => {
      const code = CODE_FOR_REASON[v.reason!]!;
      expect(['MALFORMED_NOTE', 'BAD_SIGNATURE', 'NO_KNOWN_SIGNATURE']).toContain(code);
      expectNoteError(() => openNote(c, hexBytes(v.note_hex), verifiersOf(c, v.verifier_keys)), code);
    });

    it.each(badNotes.filter((v) => v.note !== null))('rejects $case given as a string too', (v) => {
      expectNoteError(() => openNote(c, v.note!, verifiersOf(c, v.verifier_keys)), CODE_FOR_REASON[v.reason!]!);
    });

    it.each(vectors.checkpoints.filter((v) => v.valid))('re-signing $case reproduces note_hex', (v) => {
      const text = Buffer.from(v.note_hex, 'hex').toString('utf8');
      const body = text.slice(0, text.lastIndexOf('\n\n') + 1);
      const signed = signNote(c, body, v.signed_by!.map((role) => signerOf(c, role)));
      expect(Buffer.from(signed, 'utf8').toString('hex')).toBe(v.note_hex);
    });
  });

  describe('format rules', () => {
    const log = () => signerOf(c, 'log');
    const logVerifier = () => [verifierKeyOf(log())];

    it('separates the text at the last blank line, so text may end with blank lines', () => {
      const text = 'first\n\nsecond\n\n';
      const note = signNote(c, text, [log()]);
      expect(openNote(c, note, logVerifier()).text).toBe(text);
    });

    it('keeps a leading byte-order mark as part of the signed text', () => {
      const text = '\ufeffbom\n';
      const bytes = new Uint8Array(Buffer.from(signNote(c, text, [log()]), 'utf8'));
      expect(bytes.subarray(0, 3)).toEqual(Uint8Array.of(0xef, 0xbb, 0xbf));
      expect(openNote(c, bytes, logVerifier()).text).toBe(text);
    });

    it('rejects a string with a lone surrogate instead of re-encoding it', () => {
      const note = signNote(c, 'x\n', [log()]);
      expectNoteError(() => openNote(c, `\ud800${note}`, logVerifier()), 'MALFORMED_NOTE');
    });

    it('rejects an overlong UTF-8 encoding', () => {
      const bytes = new Uint8Array(Buffer.from(signNote(c, 'x/\n', [log()]), 'utf8'));
      const overlong = new Uint8Array([0x78, 0xc0, 0xaf, ...bytes.subarray(2)]); // "/" as 0xC0 0xAF
      expectNoteError(() => openNote(c, overlong, logVerifier()), 'MALFORMED_NOTE');
    });

    it(`accepts ${MAX_SIGNATURE_LINES} signature lines and rejects one more`, () => {
      const witness = generateSignerKey(c, 'witness.example/many');
      const note = signNote(c, 'many\n', [log()]);
      const line = signNote(c, 'many\n', [witness]).slice('many\n\n'.length);
      const atLimit = note + line.repeat(MAX_SIGNATURE_LINES - 1);
      expect(openNote(c, atLimit, logVerifier()).unverified).toHaveLength(1); // identical lines count once
      expectNoteError(() => openNote(c, atLimit + line, logVerifier()), 'MALFORMED_NOTE');
    });

    it('rejects a repeated known signature line only when it fails to verify', () => {
      const note = signNote(c, 'twice\n', [log(), log()]);
      expect(openNote(c, note, logVerifier()).verified).toHaveLength(1);
      const lines = note.split('\n');
      lines[3] = lines[3]!.slice(0, -4) + (lines[3]!.endsWith('AAA=') ? 'AQA=' : 'AAA=');
      expectNoteError(() => openNote(c, lines.join('\n'), logVerifier()), 'BAD_SIGNATURE');
    });

    it('refuses a hand-built verifier key whose hash does not match its public key', () => {
      const forged = { ...verifierKeyOf(log()), publicKey: new Uint8Array(32) };
      expectNoteError(() => openNote(c, signNote(c, 'x\n', [log()]), [forged]), 'MALFORMED_KEY');
    });

    it('refuses two different verifier keys with the same name and key hash', () => {
      // A 32-bit key hash collides after about 2^16 keys (birthday bound); find one independently.
      const name = 'collide.example/k';
      const seen = new Map<number, Uint8Array>();
      let pair: [Uint8Array, Uint8Array] | undefined;
      for (let i = 0; !pair; i++) {
        const pub = new Uint8Array(createHash('sha256').update(`key ${i}`).digest());
        const hash = createHash('sha256').update(`${name}\n\x01`).update(pub).digest().readUInt32BE(0);
        const earlier = seen.get(hash);
        if (earlier) pair = [earlier, pub];
        else seen.set(hash, pub);
      }
      const [a, b] = pair.map((publicKey) => ({ name, keyHash: keyHash(c, name, publicKey), publicKey }));
      expect(a!.keyHash).toBe(b!.keyHash);
      expectNoteError(() => openNote(c, signNote(c, 'x\n', [log()]), [verifierKeyOf(log()), a!, b!]), 'AMBIGUOUS_KEY');
      // The same key twice is not ambiguous.
      expect(openNote(c, signNote(c, 'x\n', [log()]), [verifierKeyOf(log()), a!, { ...a! }]).verified).toHaveLength(1);
    });

    it('lists unknown signers without verifying them, and verifies several known ones', () => {
      const [w1, w2] = [signerOf(c, 'witness'), signerOf(c, 'witness2')];
      const note = signNote(c, 'cosigned\n', [log(), w1, w2]);
      const opened = openNote(c, note, [verifierKeyOf(log()), verifierKeyOf(w2)]);
      expect(opened.verified.map((s) => s.name)).toEqual([log().name, w2.name]);
      expect(opened.unverified.map((s) => s.name)).toEqual([w1.name]);
    });

    it.each([
      ['no final newline', 'text'],
      ['a carriage return', 'a\r\n'],
      ['a lone surrogate', '\udc00\n'],
      ['nothing', ''],
    ])('refuses to sign text with %s', (_label, text) => {
      expectNoteError(() => signNote(c, text, [log()]), 'MALFORMED_NOTE');
    });

    it('refuses to sign with no signer', () => {
      expectNoteError(() => signNote(c, 'x\n', []), 'MALFORMED_NOTE');
    });

    it('refuses a signer whose key hash does not match its key', () => {
      expectNoteError(() => signNote(c, 'x\n', [{ ...log(), keyHash: log().keyHash ^ 1 }]), 'MALFORMED_KEY');
    });
  });
});

describe('signed note robustness', () => {
  const c = cryptos[0]!;
  const log = parseSignerKey(c, keyByRole('log').signer_key);
  const verifiers = [verifierKeyOf(log)];
  const note = new Uint8Array(Buffer.from(signNote(c, 'ledger.example/log\n8\nroot\n', [log]), 'utf8'));

  it('throws nothing but NoteError on mutated notes', () => {
    fc.assert(
      fc.property(fc.nat(note.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean(), (at, byte, cut) => {
        const mutated = cut ? note.slice(0, at) : note.slice();
        if (!cut) mutated[at] = byte;
        try {
          openNote(c, mutated, verifiers);
        } catch (e) {
          if (!(e instanceof NoteError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but NoteError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        try {
          openNote(c, s, verifiers);
        } catch (e) {
          if (!(e instanceof NoteError)) throw e;
        }
      }),
    );
  });
});
