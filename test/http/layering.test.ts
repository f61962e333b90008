/** The HTTP layer goes through the ledger, never around it to the store (ARCHITECTURE.md layering). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}

describe('layering', () => {
  it('has no route or middleware that reaches into ledger.store', () => {
    const offenders = sources('src/http').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file, line: i + 1, text: line }))
        .filter((l) => /\.store\b/.test(l.text) && !/^\s*(\*|\/\/)/.test(l.text)),
    );
    expect(offenders).toEqual([]);
  });
});
