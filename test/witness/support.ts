/**
 * Real processes for the witness tests: `ledger witness serve` children (dist/, port 0 unless
 * told), witness keys, policy files, and polling with a deadline (no fixed sleeps).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../../src/crypto/node.js';
import { formatCosignerKey, generateCosignerKey, verifierKeyOf } from '../../src/note/index.js';
import { writeWitnessKey } from '../../src/witness/witness-key.js';
import { ServerProcess } from '../../scripts/harness-server.js';

export interface WitnessFiles {
  name: string;
  keyFile: string;
  dbFile: string;
  vkey: string;
}

export function witnessFiles(dir: string, name: string): WitnessFiles {
  const key = generateCosignerKey(nodeCrypto, name);
  const keyFile = path.join(dir, `${name.replace(/\W/g, '_')}.key`);
  writeWitnessKey(keyFile, key);
  return { name, keyFile, dbFile: path.join(dir, `${name.replace(/\W/g, '_')}.db`), vkey: formatCosignerKey(verifierKeyOf(key)) };
}

export async function startWitnessProcess(w: WitnessFiles, logVkeys: string[], port = 0): Promise<{ proc: ServerProcess; url: string; port: number }> {
  const args = ['witness', 'serve', '--key', w.keyFile, '--db', w.dbFile, '--port', String(port), '--host', '127.0.0.1'];
  for (const v of logVkeys) args.push('--log', v);
  const proc = ServerProcess.spawn({}, args);
  const url = await proc.waitListening(undefined, 'witness listening');
  return { proc, url, port: Number(new URL(url).port) };
}

export function writePolicy(dir: string, lines: string[]): string {
  const file = path.join(dir, 'policy.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
