/**
 * The witness signing key on disk: `PRIVATE+KEY+<name>+<hex8 key ID>+<base64(0x04 || seed)>`,
 * the cosignature/v1 signer form that transparency-dev/formats (omniwitness) also reads.
 * Written once with mode 0600, never overwritten.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Crypto } from '../crypto/types.js';
import { formatCosignerSignerKey, parseCosignerSignerKey, type SignerKey } from '../note/index.js';

const KEY_FILE_MODE = 0o600;

export function writeWitnessKey(file: string, key: SignerKey): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = openSync(file, 'wx', KEY_FILE_MODE);
  try {
    writeSync(fd, `${formatCosignerSignerKey(key)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function readWitnessKey(c: Crypto, file: string): { key: SignerKey; warning?: string } {
  const key = parseCosignerSignerKey(c, readFileSync(file, 'utf8').trim());
  const mode = statSync(file).mode & 0o777;
  return mode & 0o077 ? { key, warning: `witness key file ${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it` } : { key };
}
