/**
 * The checkpoint-signing key on disk, in the Go `note` signer-key form
 * `PRIVATE+KEY+<name>+<hex8>+<base64(0x01||seed)>`, so it can be used with standard tooling.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Crypto } from '../crypto/types.js';
import { formatSignerKey, generateSignerKey, parseSignerKey, type SignerKey } from '../note/index.js';

/** Owner read/write only: the key file must not be readable by anyone else. */
const KEY_FILE_MODE = 0o600;

export interface LoadedKey {
  key: SignerKey;
  /** true when the file did not exist and a new key was written */
  created: boolean;
  /** a warning for the operator (e.g. loose file permissions), if any */
  warning?: string;
}

export function readSigningKey(c: Crypto, file: string): { key: SignerKey; warning?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the signing key file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const key = parseSignerKey(c, text.trim());
  const mode = statSync(file).mode & 0o777;
  const warning = mode & 0o077 ? `signing key file ${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it` : undefined;
  return warning ? { key, warning } : { key };
}

/** Writes a new key file (never overwriting one) with mode 0600. */
export function writeSigningKey(file: string, key: SignerKey): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = openSync(file, 'wx', KEY_FILE_MODE);
  try {
    writeSync(fd, `${formatSignerKey(key)}\n`);
    // A crash right after creation must not leave an empty key file that blocks every start.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Loads the key, or when `create` is set and the file is missing, generates and writes one. */
export function loadOrCreateSigningKey(c: Crypto, file: string, origin: string, create: boolean): LoadedKey {
  if (!existsSync(file)) {
    if (!create) throw new Error(`signing key file ${file} does not exist`);
    const key = generateSignerKey(c, origin);
    writeSigningKey(file, key);
    return { key, created: true };
  }
  const { key, warning } = readSigningKey(c, file);
  if (key.name !== origin) {
    throw new Error(`signing key ${file} is named "${key.name}" but LEDGER_ORIGIN is "${origin}"; they must match`);
  }
  return warning ? { key, created: false, warning } : { key, created: false };
}
