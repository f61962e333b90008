/**
 * Loads the golden vectors from ../shared/vectors/ (never copied into this repo).
 * They come from an independent reference implementation; see that folder's README.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const VECTORS_DIR = path.resolve(here, '../../../shared/vectors');

export function loadVectors<T = any>(name: 'merkle.json' | 'checkpoints.json' | 'rfc6962_reference.json' | 'cosignatures.json'): T {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, name), 'utf8')) as T;
}
