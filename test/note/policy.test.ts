/** C2SP tlog-policy parsing and quorum evaluation, with cosignatures from the vectors' keys. */
import { describe, expect, it } from 'vitest';
import {
  NoteError,
  checkPolicyCosignatures,
  cosignCheckpoint,
  describeMissingQuorum,
  evaluateQuorum,
  formatCosignerKey,
  generateCosignerKey,
  parseWitnessPolicy,
  verifierKeyOf,
} from '../../src/note/index.js';
import { fromHex } from '../../src/crypto/bytes.js';
import { loadVectors } from '../support/vectors.js';
import { cryptos } from './fixtures.js';

const vectors = loadVectors<{ log_vkey: string; cases: { vkey: string; seed_hex: string; name: string; checkpoint_body: string; cosigned_note: string }[] }>('cosignatures.json');

describe.each(cryptos)('tlog-policy ($name crypto)', (c) => {
  const keys = ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'].map((n, i) => generateCosignerKey(c, `w${i}.example/${n}`, new Uint8Array(32).fill(i + 1)));
  const vkey = (i: number) => formatCosignerKey(verifierKeyOf(keys[i]!));
  const example = [
    `log ${vectors.log_vkey}`,
    '',
    `witness X1 ${vkey(0)}`,
    `  witness X2\t${vkey(1)} https://x2.example/`,
    `witness X3 ${vkey(2)}`,
    'group X-witnesses 2 X1 X2 X3',
    '# the Y organisation',
    `witness Y1 ${vkey(3)}`,
    `witness Y2 ${vkey(4)}`,
    `witness Y3 ${vkey(5)}`,
    'group Y-witnesses any Y1 Y2 Y3',
    'group X-and-Y all X-witnesses Y-witnesses',
    'quorum X-and-Y',
    '',
  ].join('\n');

  it('parses the spec example: logs, witnesses with optional URLs, nested groups', () => {
    const p = parseWitnessPolicy(c, example);
    expect(p.logs).toHaveLength(1);
    expect(p.witnesses.map((w) => w.name)).toEqual(['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3']);
    expect(p.witnesses[1]!.url).toBe('https://x2.example/');
    expect(p.witnesses[0]!.url).toBeUndefined();
    expect(p.quorum).toMatchObject({ kind: 'group', name: 'X-and-Y', threshold: 2 });
  });

  it.each([
    [['X1', 'X2', 'Y3'], true, ['X3', 'Y1', 'Y2']],
    [['X1', 'X3', 'Y1', 'Y2'], true, ['X2', 'Y3']],
    [['X1', 'Y1', 'Y2', 'Y3'], false, ['X2', 'X3']],
    [['X1', 'X2', 'X3'], false, ['Y1', 'Y2', 'Y3']],
    [[], false, ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3']],
  ])('evaluates the quorum for cosigners %j: %s', (names, met, missing) => {
    const verdict = evaluateQuorum(parseWitnessPolicy(c, example), new Set(names as string[]));
    expect(verdict).toEqual({ met, missing });
  });

  it('quorum none needs nothing; a single witness quorum needs that witness', () => {
    expect(evaluateQuorum(parseWitnessPolicy(c, 'quorum none\n'), new Set()).met).toBe(true);
    const single = parseWitnessPolicy(c, `witness A ${vkey(0)}\nwitness B ${vkey(1)}\nquorum A\n`);
    expect(evaluateQuorum(single, new Set(['B']))).toEqual({ met: false, missing: ['A'] });
    expect(describeMissingQuorum(single, evaluateQuorum(single, new Set()))).toMatch(/witness A .*from A/);
  });

  it.each([
    ['no quorum line', `witness A ${vkey(0)}\n`, /no quorum line/],
    ['two quorum lines', 'quorum none\nquorum none\n', /exactly one quorum/],
    ['a forward reference', `group G any A\nwitness A ${vkey(0)}\nquorum G\n`, /line 1: member "A" is not defined/],
    ['an undefined quorum', 'quorum A\n', /quorum "A" is not defined/],
    ['a threshold above n', `witness A ${vkey(0)}\ngroup G 2 A\nquorum G\n`, /threshold/],
    ['a zero threshold', `witness A ${vkey(0)}\ngroup G 0 A\nquorum G\n`, /threshold/],
    ['an empty group', `witness A ${vkey(0)}\ngroup G any\nquorum G\n`, /at least one member/],
    ['a member listed twice', `witness A ${vkey(0)}\ngroup G any A A\nquorum G\n`, /listed twice/],
    ['none as a member', `witness A ${vkey(0)}\ngroup G any A none\nquorum G\n`, /"none" cannot be a group member/],
    ['none defined', `witness none ${vkey(0)}\nquorum none\n`, /predefined/],
    ['a duplicate name', `witness A ${vkey(0)}\nwitness A ${vkey(1)}\nquorum A\n`, /already defined/],
    ['a duplicate witness key', `witness A ${vkey(0)}\nwitness B ${vkey(0)}\nquorum A\n`, /duplicate witness/],
    ['a duplicate log', `log ${vectors.log_vkey}\nlog ${vectors.log_vkey}\nquorum none\n`, /duplicate log/],
    ['a log key as a witness key', `witness A ${vectors.log_vkey}\nquorum A\n`, /line 1: .*0x04/],
    ['a witness key as a log key', `log ${vkey(0)}\nquorum none\n`, /line 1:/],
    ['CR line ends', 'quorum none\r\n', /U\+000d/],
    ['an unknown keyword', 'quorom none\n', /unknown keyword/],
  ])('refuses %s', (_what, text, message) => {
    let err: unknown;
    try {
      parseWitnessPolicy(c, text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NoteError);
    expect((err as NoteError).code).toBe('MALFORMED_POLICY');
    expect((err as Error).message).toMatch(message);
  });

  it('checks real cosignatures: verified ones count, unknown ones are ignored, a bad one rejects', () => {
    const v = vectors.cases[0]!;
    const vectorSigner = generateCosignerKey(c, v.name, fromHex(v.seed_hex));
    const policy = parseWitnessPolicy(c, `log ${vectors.log_vkey}\nwitness V ${v.vkey}\nwitness A ${vkey(0)}\ngroup G all V A\nquorum G\n`);
    const half = checkPolicyCosignatures(c, policy, v.cosigned_note);
    expect(half).toMatchObject({ met: false, missing: ['A'] });
    expect(half.cosigned.map((x) => x.witness)).toEqual(['V']);
    const both = v.cosigned_note + cosignCheckpoint(c, v.checkpoint_body, keys[0]!, 1_700_000_000) + cosignCheckpoint(c, v.checkpoint_body, keys[5]!, 1);
    const full = checkPolicyCosignatures(c, policy, both);
    expect(full.met).toBe(true);
    expect(full.cosigned.map((x) => [x.witness, x.cosignature.timestamp])).toEqual([['V', 1679315147], ['A', 1_700_000_000]]);
    // A's cosignature over another body, pasted onto this note: rejects, it does not just not count.
    const forged = v.cosigned_note + cosignCheckpoint(c, v.checkpoint_body.replace('20852163', '20852162'), keys[0]!, 5);
    expect(() => checkPolicyCosignatures(c, policy, forged)).toThrow(/invalid cosignature from w0.example\/X1/);
    expect(vectorSigner.name).toBe(v.name);
  });
});

describe('minimumCosigners', () => {
  it('is the fewest cosignatures that can meet the quorum', async () => {
    const { minimumCosigners } = await import('../../src/note/index.js');
    const g = (threshold: number, ...members: Parameters<typeof minimumCosigners>[0][]) => ({ kind: 'group' as const, name: 'g', threshold, members });
    let n = 0;
    const w = () => ({ kind: 'witness' as const, name: `w${++n}` });
    expect(minimumCosigners({ kind: 'none' })).toBe(0);
    expect(minimumCosigners(w())).toBe(1);
    // The spec's example: 2 of X, and any of Y.
    expect(minimumCosigners(g(2, g(2, w(), w(), w()), g(1, w(), w(), w())))).toBe(3);
    expect(minimumCosigners(g(1, g(3, w(), w(), w()), w()))).toBe(1);
  });

  it('never exceeds what meets the quorum when groups share witnesses (a bound must not hide quorum checkpoints)', async () => {
    const { minimumCosigners } = await import('../../src/note/index.js');
    const c = cryptos[0]!;
    const vk = (i: number) => formatCosignerKey(verifierKeyOf(generateCosignerKey(c, `w${i}.example`, new Uint8Array(32).fill(i + 1))));
    // Two groups over the same two witnesses, both required: W1 and W2 alone meet it.
    const shared = parseWitnessPolicy(c, `witness W1 ${vk(1)}\nwitness W2 ${vk(2)}\nwitness W3 ${vk(3)}\ngroup A all W1 W2\ngroup B 2 W1 W2 W3\ngroup Q all A B\nquorum Q\n`);
    expect(evaluateQuorum(shared, new Set(['W1', 'W2'])).met).toBe(true);
    expect(minimumCosigners(shared.quorum)).toBe(2);
    // One witness in every branch: it alone meets the quorum.
    const hub = parseWitnessPolicy(c, `witness H ${vk(1)}\nwitness X ${vk(2)}\nwitness Y ${vk(3)}\ngroup A any H X\ngroup B any H Y\ngroup Q all A B\nquorum Q\n`);
    expect(evaluateQuorum(hub, new Set(['H'])).met).toBe(true);
    expect(minimumCosigners(hub.quorum)).toBe(1);
  });
});
