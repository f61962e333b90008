import { describe, expect, it } from 'vitest';
import {
  MAX_PROOF_HASHES,
  NoteError,
  TLOG_PROOF_HEADER,
  formatTlogProof,
  openCheckpoint,
  parseTlogProof,
  parseVerifierKey,
} from '../../src/note/index.js';
import { loadVectors } from '../support/vectors.js';
import { cryptos, hexBytes, keyByRole, thrownBy, vectors } from './fixtures.js';

interface Inclusion { index: number; size: number; leaf_hash: string; proof: string[] }
const merkle = loadVectors<{ inclusion: Inclusion[]; leaves: { index: number; data_hex: string }[] }>('merkle.json');

// Leaf 5 of the size-8 tree (merkle.json) against the size-8 signed checkpoint (checkpoints.json).
const inclusion = merkle.inclusion.find((x) => x.index === 5 && x.size === 8)!;
const leaf = hexBytes(merkle.leaves[5]!.data_hex);
const checkpointNote = Buffer.from(vectors.checkpoints.find((v) => v.case === 'size-8')!.note_hex, 'hex').toString('utf8');
const proof = inclusion.proof.map(hexBytes);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

// The text per c2sp.org/tlog-proof §Format, written out by hand.
const expectedText = [
  'c2sp.org/tlog-proof@v1',
  `extra ${Buffer.from('leaf-5').toString('base64')}`,
  'index 5',
  ...inclusion.proof.map(b64),
  '',
  checkpointNote,
].join('\n');

function expectMalformed(text: string | Uint8Array): NoteError {
  const err = thrownBy(() => parseTlogProof(text));
  expect(err).toBeInstanceOf(NoteError);
  expect((err as NoteError).code).toBe('MALFORMED_PROOF');
  return err as NoteError;
}

describe('tlog-proof', () => {
  it('formats header, extra, index, proof hashes, blank line and the checkpoint verbatim', () => {
    expect(formatTlogProof({ index: 5, proof, checkpointNote, extra: leaf })).toBe(expectedText);
  });

  it('omits the extra line when there is no extra data', () => {
    const text = formatTlogProof({ index: 5, proof, checkpointNote });
    expect(text).toBe(expectedText.replace(/^extra .*\n/m, ''));
    expect(parseTlogProof(text)).not.toHaveProperty('extra');
  });

  it('formats an empty proof (a one-leaf tree) as index then blank line', () => {
    expect(formatTlogProof({ index: 0, proof: [], checkpointNote: 'cp\n' })).toBe(`${TLOG_PROOF_HEADER}\nindex 0\n\ncp\n`);
  });

  it('parses what it formats, from a string or from bytes', () => {
    for (const input of [expectedText, new Uint8Array(Buffer.from(expectedText, 'utf8'))]) {
      const parsed = parseTlogProof(input);
      expect(parsed.index).toBe(5);
      expect(parsed.proof).toEqual(proof);
      expect(parsed.extra).toEqual(leaf);
      expect(parsed.checkpointNote).toBe(checkpointNote);
    }
  });

  it.each(cryptos)('carries a checkpoint that opens with the log key ($name crypto)', (c) => {
    const parsed = parseTlogProof(expectedText);
    const { checkpoint } = openCheckpoint(c, parsed.checkpointNote, [parseVerifierKey(c, keyByRole('log').verifier_key)], {
      expectedOrigin: 'ledger.example/log',
    });
    expect(checkpoint.size).toBe(inclusion.size);
    expect(parsed.index).toBeLessThan(checkpoint.size);
  });

  it(`accepts ${MAX_PROOF_HASHES} proof hashes and rejects one more`, () => {
    const many = Array.from({ length: MAX_PROOF_HASHES }, () => proof[0]!);
    expect(parseTlogProof(formatTlogProof({ index: 1, proof: many, checkpointNote })).proof).toHaveLength(MAX_PROOF_HASHES);
    expect((thrownBy(() => formatTlogProof({ index: 1, proof: [...many, proof[0]!], checkpointNote })) as NoteError).code).toBe(
      'MALFORMED_PROOF',
    );
    const tooMany = expectedText.replace('index 5\n', `index 5\n${`${b64(inclusion.proof[0]!)}\n`.repeat(MAX_PROOF_HASHES - 2)}`);
    expectMalformed(tooMany);
  });

  it('rejects an index above 2^53 - 1 with a reason that names the limit', () => {
    expect(expectMalformed(expectedText.replace('index 5', 'index 9007199254740992')).message).toMatch(/2\^53 - 1/);
  });

  it.each([
    ['another header', (t: string) => t.replace('tlog-proof@v1', 'tlog-proof@v2')],
    ['no header', (t: string) => t.slice(t.indexOf('\n') + 1)],
    ['the extra line after the index', (t: string) => t.replace(/^(extra .*)\n(index 5)$/m, '$2\n$1')],
    ['two extra lines', (t: string) => t.replace(/^(extra .*)$/m, '$1\n$1')],
    ['an empty extra line', (t: string) => t.replace(/^extra .*$/m, 'extra ')],
    ['extra data in URL-safe base64', (t: string) => t.replace(/^extra .*$/m, 'extra -_8=')],
    ['no index line', (t: string) => t.replace('index 5\n', '')],
    ['an index with a leading zero', (t: string) => t.replace('index 5', 'index 05')],
    ['a negative index', (t: string) => t.replace('index 5', 'index -5')],
    ['an index with two spaces', (t: string) => t.replace('index 5', 'index  5')],
    ['a proof hash of 31 bytes', (t: string) => t.replace(b64(inclusion.proof[0]!), Buffer.alloc(31, 2).toString('base64'))],
    ['a proof hash in hex', (t: string) => t.replace(b64(inclusion.proof[0]!), inclusion.proof[0]!)],
    ['a proof hash without padding', (t: string) => t.replace(b64(inclusion.proof[0]!), b64(inclusion.proof[0]!).slice(0, -1))],
    ['CRLF line endings', (t: string) => t.replace(/\n/g, '\r\n')],
    ['no blank line before the checkpoint', (t: string) => t.slice(0, t.indexOf('\n\n') + 1)],
    ['no checkpoint after the blank line', (t: string) => t.slice(0, t.indexOf('\n\n') + 2)],
    ['nothing at all', () => ''],
  ])('rejects a proof with %s', (_label, mutate) => {
    expectMalformed(mutate(expectedText));
  });

  it('rejects bytes that are not valid UTF-8', () => {
    expectMalformed(new Uint8Array([...Buffer.from(expectedText, 'utf8'), 0xff]));
  });

  it.each([
    ['a negative index', { index: -1 }],
    ['a fractional index', { index: 1.5 }],
    ['a 33-byte proof hash', { proof: [new Uint8Array(33)] }],
    ['empty extra data', { extra: new Uint8Array(0) }],
    ['a checkpoint without a final newline', { checkpointNote: 'cp' }],
    ['an empty checkpoint', { checkpointNote: '' }],
  ])('refuses to format %s', (_label, change) => {
    const err = thrownBy(() => formatTlogProof({ index: 5, proof, checkpointNote, ...change }));
    expect(err).toBeInstanceOf(NoteError);
    expect((err as NoteError).code).toBe('MALFORMED_PROOF');
  });
});
