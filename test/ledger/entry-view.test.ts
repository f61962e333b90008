/**
 * Append answers are built as text around the leaf (appendedJson); they must be the very JSON
 * value of appendedView, which is built from the decoded envelope with the browser-safe encoders.
 */
import { describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { appendedJson, appendedView } from '../../src/ledger/entry-view.js';
import { approval, openTestLedger, rotation } from '../support/ledger.js';

const awkward = ['naïve “quotes”', 'back\\slash and "quote"', 'emoji 😀 and \u2028 line separator', 'tab\tnew\nline', '\u0000 nul'];

describe('appendedJson', () => {
  it('is the JSON of appendedView for every kind of entry, including strings that need escapes', async () => {
    const t = openTestLedger();
    try {
      const records = awkward.map((note, i) => ({ ...(i % 2 ? approval(i) : rotation(i)), details: { note } }) as unknown as EvidenceRecord);
      const { entries } = await t.ledger.append('test-writer', records, undefined, 'batch');
      for (const e of entries) {
        const text = appendedJson(e);
        expect(JSON.parse(text)).toEqual(appendedView(e));
        expect(JSON.parse(text).entry.record.details.note).toBe(awkward[e.index]);
      }
    } finally {
      t.cleanup();
    }
  });

  it('answers a replay the same bytes as the first answer', async () => {
    const t = openTestLedger();
    try {
      const first = await t.ledger.append('test-writer', [rotation(1) as EvidenceRecord], 'key-1');
      const again = await t.ledger.append('test-writer', [rotation(1) as EvidenceRecord], 'key-1');
      expect(again.replayed).toBe(true);
      expect(appendedJson(again.entries[0]!)).toBe(appendedJson(first.entries[0]!));
    } finally {
      t.cleanup();
    }
  });
});
