/**
 * docs/worked-example.md, checked: its evidence (a quarter for three controls) is posted to a real
 * ledger on a fake clock, 2026-Q3 is closed, and every JSON block the page shows (the summary, the
 * three reports, a sample) must be what the API answers, byte for byte once parsed. The exceptions
 * are also asserted here as worked out by hand from the contract, independently of the page.
 * UPDATE_WORKED_EXAMPLE=1 rewrites the page's answer blocks (then read the diff before committing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';
import { naiveSample } from './naive-reference.js';

const DOC = path.resolve(__dirname, '../../docs/worked-example.md');
const BLOCK = /```json ([a-z-]+(?: [A-Za-z0-9-]+)?)\n([\s\S]*?)\n```/g;

function blocks(text: string): Map<string, string> {
  return new Map([...text.matchAll(BLOCK)].map((m) => [m[1]!, m[2]!]));
}

let t: TestLedger;
let doc: string;
const answers = new Map<string, unknown>();

beforeAll(async () => {
  doc = readFileSync(DOC, 'utf8');
  const evidence = JSON.parse(blocks(doc).get('evidence')!) as { receivedAt: string; record: EvidenceRecord }[];
  t = openTestLedger({ nowMs: Date.parse(evidence[0]!.receivedAt) });
  for (const e of evidence) {
    t.now.ms = Date.parse(e.receivedAt);
    await t.ledger.append('grc-feeds', [e.record]);
    t.ledger.tick();
  }
  t.now.ms = Date.parse('2026-10-01T00:00:01.000Z');
  t.ledger.tick(); // closes 2026-Q3
  const get = async (p: string) => (await request(t.app).get(p).set('Authorization', `Bearer ${t.tokens.auditor}`).expect(200)).body;
  answers.set('summary', await get('/v1/reports/2026-Q3'));
  for (const c of ['ITGC-AC-07', 'ITGC-AC-04', 'ITGC-CM-02']) answers.set(`report ${c}`, await get(`/v1/reports/2026-Q3?controlId=${c}`));
  answers.set('sample', await get('/v1/samples?period=2026-Q3&controlId=ITGC-AC-07&size=3&nonce=kpmg-2026-10-02-7731'));
  answers.set('bundle', await get('/v1/bundles?period=2026-Q3&controlId=ITGC-AC-07'));
  if (process.env.UPDATE_WORKED_EXAMPLE) {
    let text = doc;
    for (const [name, value] of answers) {
      if (name === 'bundle') continue;
      text = text.replace(new RegExp('```json ' + name + '\\n[\\s\\S]*?\\n```'), '```json ' + name + '\n' + JSON.stringify(value, null, 2) + '\n```');
    }
    writeFileSync(DOC, text);
    doc = text;
  }
});

afterAll(() => t?.cleanup());

describe('docs/worked-example.md', () => {
  it('shows exactly what the API answers', () => {
    const shown = blocks(doc);
    for (const [name, value] of answers) if (name !== 'bundle') expect({ name, value: JSON.parse(shown.get(name)!) }).toEqual({ name, value });
  });

  it('has the exceptions the contract gives, worked out by hand', () => {
    const rules = (c: string) => (answers.get(`report ${c}`) as { exceptions: { rule: string; index: number }[] }).exceptions.map((e) => `${e.rule}@${e.index}`);
    // akid-reconcile issued 2026-05-01 (entry 1), due 2026-07-30 and never rotated; the revocation
    // scheduled 2026-08-01 was done on 2026-08-03 (entry 7), past 24 h; ssh-partner-01 (entry 13) is issued for two years.
    expect(rules('ITGC-AC-07')).toEqual(['rotation_overdue@1', 'revocation_late@7', 'credential_lifetime@13']);
    // The session of 2026-08-11 (entry 9) has no ticket; EXC-2026-044 (entry 11) was due 2026-09-01 + 5 days, never remediated.
    expect(rules('ITGC-AC-04')).toEqual(['session_without_ticket@9', 'remediation_overdue@11']);
    // CHG-21077 (entry 12) was approved by its author; CHG-21140 (entry 15) by nobody.
    expect(rules('ITGC-CM-02')).toEqual(['self_approval@12', 'change_unapproved@15']);
  });

  it('draws the sample the contract text gives (scored and sorted naively)', () => {
    const served = answers.get('sample') as { seed: string; sample: unknown; anchor: { rootHash: string } };
    const bundle = answers.get('bundle') as { entries: { index: number; leafHash: string }[] };
    // The population: entries of the quarter (index >= 4, the first received in Q3) other than the control record 0.
    const population = bundle.entries.filter((e) => e.index >= 4).map((e) => ({ index: e.index, leafHash: e.leafHash }));
    expect(population.map((e) => e.index)).toEqual([4, 7, 13, 14]);
    const naive = naiveSample({ period: '2026-Q3', controlId: 'ITGC-AC-07', nonce: 'kpmg-2026-10-02-7731', size: 3, rootHash: served.anchor.rootHash, population });
    expect({ seed: served.seed, sample: served.sample }).toEqual(naive);
  });

  it('the report bundle verifies offline and re-derives the sample', async () => {
    const key = (await request(t.app).get('/v1/key')).body.verifierKey;
    const report = verifyBundle(nodeCrypto, answers.get('bundle'), key, undefined, { sample: { nonce: 'kpmg-2026-10-02-7731', size: 3 } });
    expect(report.ok).toBe(true);
    expect(report.summary.control?.report).toEqual(answers.get('report ITGC-AC-07'));
    expect(report.summary.control?.sample?.sample).toEqual((answers.get('sample') as { sample: unknown }).sample);
  });
});
