/** The page's file picker offers every kind of file the ledger and its README produce. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the file picker', () => {
  it('accepts bundles, checkpoints and .tlog-proof files', () => {
    const html = readFileSync('web/index.html', 'utf8');
    const accept = /id="bundle-file"[^>]*accept="([^"]*)"/.exec(html)?.[1]?.split(',') ?? [];
    for (const kind of ['.json', '.tlog-proof', '.proof', '.txt', '.checkpoint']) expect(accept).toContain(kind);
  });
});
