/**
 * A small log built by hand (leaves `leaf <tag> <i>`), signed with its own key, and the
 * tlog-witness add-checkpoint request bodies for it: what the witness tests send.
 */
import type { Crypto } from '../../src/crypto/types.js';
import { toBase64, utf8 } from '../../src/crypto/bytes.js';
import { MemoryNodeReader, consistencyProof, leafHash, rootAt } from '../../src/merkle/index.js';
import { formatVerifierKey, generateSignerKey, signCheckpoint, verifierKeyOf, type SignerKey } from '../../src/note/index.js';

export class HandLog {
  readonly reader: MemoryNodeReader;
  readonly signer: SignerKey;

  constructor(
    private readonly c: Crypto,
    origin: string,
    size: number,
    tag = 'a',
    seed = new Uint8Array(32).fill(7),
  ) {
    this.signer = generateSignerKey(c, origin, seed);
    this.reader = new MemoryNodeReader(c);
    for (let i = 0; i < size; i++) this.reader.append(leafHash(c, utf8(`leaf ${tag} ${i}`)));
  }

  get vkey(): string {
    return formatVerifierKey(verifierKeyOf(this.signer));
  }

  checkpoint(size: number, signer: SignerKey = this.signer): string {
    return signCheckpoint(this.c, { origin: this.signer.name, size, rootHash: rootAt(this.c, size, this.reader), extensions: [] }, signer);
  }

  /** The add-checkpoint body for `size` from `old`, with the right proof unless one is given. */
  request(old: number, size: number, proof?: Uint8Array[]): string {
    const p = proof ?? (old === 0 || old === size ? [] : consistencyProof(this.c, old, size, this.reader));
    return `old ${old}\n${p.map((h) => `${toBase64(h)}\n`).join('')}\n${this.checkpoint(size)}`;
  }
}
