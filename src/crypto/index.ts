/** Portable entry point: only what runs in a browser. The server imports `./node.js` directly. */
export type { Crypto } from './types.js';
export { nobleCrypto } from './noble.js';
export * from './bytes.js';
