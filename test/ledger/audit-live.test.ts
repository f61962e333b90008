/**
 * `ledger audit` may read a file the service is writing to (WAL allows it): everything it
 * reads must come from one snapshot, or the service's commits during the pass would look like
 * tampering (search rows no indexed entry owns).
 */
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { verifierKeyOf } from '../../src/note/index.js';
import { auditLedger, PROGRESS_EVERY_ENTRIES } from '../../src/ledger/audit.js';
import { Store } from '../../src/store/index.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { openTestLedger, rotation } from '../support/ledger.js';

describe('an audit of a live ledger', () => {
  it('sees one snapshot while the service indexes and appends during the pass', async () => {
    const t = openTestLedger();
    try {
      const size = PROGRESS_EVERY_ENTRIES + 1000;
      for (let i = 0; i < size; i += 1000) {
        await t.ledger.append('test-writer', Array.from({ length: Math.min(1000, size - i) }, (_, n) => rotation(i + n) as EvidenceRecord), undefined, 'batch');
      }
      t.ledger.tick();
      t.ledger.indexSearchStep(2000);
      const reader = Store.open(t.dbPath, { readonly: true });
      let wrote = false;
      const report = auditLedger(reader, {
        crypto: nodeCrypto,
        key: verifierKeyOf(t.signer),
        onProgress: () => {
          if (wrote) return;
          wrote = true;
          // The service, meanwhile: a search index step and a new entry, committed.
          expect(t.ledger.indexSearchStep(2000)).toBe(2000);
          void t.ledger.append('test-writer', [rotation(99_999) as EvidenceRecord]);
        },
      });
      reader.close();
      expect(wrote).toBe(true);
      expect(report.findings).toEqual([]);
      expect(report.entries).toBe(size);
    } finally {
      t.cleanup();
    }
  });
});
