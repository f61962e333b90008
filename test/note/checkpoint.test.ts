import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  EMPTY_TREE_ROOT,
  NoteError,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifierKeyOf,
} from '../../src/note/index.js';
import type { Checkpoint } from '../../src/note/index.js';
import { loadVectors } from '../support/vectors.js';
import { CODE_FOR_REASON, cryptos, hexBytes, keyByRole, thrownBy, vectors } from './fixtures.js';

function expectNoteError(fn: () => unknown, code: string): NoteError {
  const err = thrownBy(fn);
  expect(err).toBeInstanceOf(NoteError);
  expect((err as NoteError).code).toBe(code);
  return err as NoteError;
}

const ROOT_8_B64 = 'ymt7PmdKyGwQJ7Wch8Bk/DvCezEylMdfg70F/dE/Dc8='; // merkle.json root of size 8
const body = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

describe.each(cryptos)('tlog checkpoint ($name crypto)', (c) => {
  const valid = vectors.checkpoints.filter((v) => v.valid);
  const invalid = vectors.checkpoints.filter((v) => !v.valid);
  const open = (v: (typeof vectors.checkpoints)[number]) =>
    openCheckpoint(c, hexBytes(v.note_hex), v.verifier_keys.map((k) => parseVerifierKey(c, k)), {
      expectedOrigin: v.expected_origin ?? undefined,
    });

  describe('golden vectors', () => {
    it.each(valid)('opens $case: $description', (v) => {
      const { checkpoint, note } = open(v);
      const e = v.expected!;
      expect(checkpoint.origin).toBe(e.origin);
      expect(checkpoint.size).toBe(e.size);
      expect(checkpoint.rootHash).toEqual(hexBytes(e.root_hash_hex));
      expect(checkpoint.extensions).toEqual(e.extensions);
      expect(note.verified.map((s) => s.signature)).toEqual(e.verified_signatures.map((s) => s.signature_b64));
    });

    it.each(valid)('formats and re-signs $case into note_hex, byte for byte', (v) => {
      const e = v.expected!;
      const cp: Checkpoint = { origin: e.origin, size: e.size, rootHash: hexBytes(e.root_hash_hex), extensions: e.extensions };
      const signers = v.signed_by!.map((role) => parseSignerKey(c, keyByRole(role).signer_key));
      const signed = signNote(c, formatCheckpoint(cp), signers);
      expect(Buffer.from(signed, 'utf8').toString('hex')).toBe(v.note_hex);
      if (signers.length === 1) expect(signCheckpoint(c, cp, signers[0]!)).toBe(signed);
    });

    it.each(invalid)('rejects $case ($failure_layer layer): $description', (v) => {
      const code = CODE_FOR_REASON[v.reason!]!;
      if (v.failure_layer === 'checkpoint') expect(code).toBe('MALFORMED_CHECKPOINT');
      if (v.failure_layer === 'origin') expect(code).toBe('ORIGIN_MISMATCH');
      expectNoteError(() => open(v), code);
    });

    it('uses the merkle.json roots', () => {
      const roots = loadVectors<{ roots: { size: number; root: string }[] }>('merkle.json').roots;
      for (const v of valid) {
        expect(roots.find((r) => r.size === v.expected!.size)?.root).toBe(v.expected!.root_hash_hex);
      }
    });
  });

  describe('origin', () => {
    it('accepts any origin when none is expected, even one that differs from the key name', () => {
      const v = valid.find((x) => x.case === 'origin-differs-from-key-name')!;
      const { checkpoint, note } = open(v);
      expect(checkpoint.origin).not.toBe(note.verified[0]!.name);
    });

    it('rejects a checkpoint signed by a known key whose origin is not the expected one', () => {
      const log = parseSignerKey(c, keyByRole('log').signer_key);
      const signed = signCheckpoint(c, { origin: 'ledger.example/log', size: 0, rootHash: EMPTY_TREE_ROOT, extensions: [] }, log);
      expectNoteError(
        () => openCheckpoint(c, signed, [verifierKeyOf(log)], { expectedOrigin: 'ledger.example/log2' }),
        'ORIGIN_MISMATCH',
      );
      expect(openCheckpoint(c, signed, [verifierKeyOf(log)], { expectedOrigin: 'ledger.example/log' }).checkpoint.size).toBe(0);
    });
  });
});

describe('checkpoint body', () => {
  it('knows the empty-tree root as SHA-256 of the empty string', () => {
    expect(Buffer.from(EMPTY_TREE_ROOT).toString('hex')).toBe(createHash('sha256').update('').digest('hex'));
  });

  it('accepts the largest size a JS number holds exactly, 2^53 - 1', () => {
    expect(parseCheckpoint(body(['o', '9007199254740991', ROOT_8_B64])).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects 2^53 with a reason that names the limit', () => {
    const err = expectNoteError(() => parseCheckpoint(body(['o', '9007199254740992', ROOT_8_B64])), 'MALFORMED_CHECKPOINT');
    expect(err.message).toMatch(/2\^53 - 1/);
  });

  it.each([
    ['no final newline', `o\n8\n${ROOT_8_B64}`],
    ['an empty origin', body(['', '8', ROOT_8_B64])],
    ['two lines', body(['o', '8'])],
    ['a leading zero', body(['o', '08', ROOT_8_B64])],
    ['an empty size', body(['o', '', ROOT_8_B64])],
    ['a fractional size', body(['o', '8.0', ROOT_8_B64])],
    ['an exponent', body(['o', '8e0', ROOT_8_B64])],
    ['a root of 31 bytes', body(['o', '8', Buffer.alloc(31, 1).toString('base64')])],
    ['a root with whitespace', body(['o', '8', ` ${ROOT_8_B64}`])],
    ['an empty extension line', body(['o', '8', ROOT_8_B64, 'ext', ''])],
    ['a tab', body(['o', '8', ROOT_8_B64, 'a\tb'])],
    ['size 0 with a non-empty root', body(['o', '0', ROOT_8_B64])],
  ])('rejects a body with %s', (_label, text) => {
    expectNoteError(() => parseCheckpoint(text), 'MALFORMED_CHECKPOINT');
  });

  it('formats exactly origin, size, base64 root and extensions, one per line', () => {
    const cp = { origin: 'ex.com/log', size: 8, rootHash: new Uint8Array(Buffer.from(ROOT_8_B64, 'base64')), extensions: ['e 1'] };
    expect(formatCheckpoint(cp)).toBe(`ex.com/log\n8\n${ROOT_8_B64}\ne 1\n`);
    expect(parseCheckpoint(formatCheckpoint(cp))).toEqual(cp);
  });

  it.each([
    ['an empty origin', { origin: '' }],
    ['an origin with a newline', { origin: 'a\nb' }],
    ['a negative size', { size: -1 }],
    ['a fractional size', { size: 1.5 }],
    ['a size above 2^53 - 1', { size: 2 ** 53 }],
    ['a 31-byte root', { rootHash: new Uint8Array(31) }],
    ['an empty extension', { extensions: [''] }],
    ['an extension with a newline', { extensions: ['a\nb'] }],
    ['size 0 with a non-empty root', { size: 0 }],
  ])('refuses to format %s', (_label, change) => {
    const cp = { origin: 'o', size: 8, rootHash: new Uint8Array(32).fill(1), extensions: [], ...change };
    expectNoteError(() => formatCheckpoint(cp as Checkpoint), 'MALFORMED_CHECKPOINT');
  });
});
