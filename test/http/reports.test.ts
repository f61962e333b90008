/**
 * GET /v1/reports, /v1/samples and /v1/monitor (contract, "Control reports"): the answers and the
 * errors (400 malformed, 404 before the first entry, 409 sample while open, 401/403), provisional
 * reports for an open period, and `ledger verify` on a report bundle: the per-rule printout,
 * PROVISIONAL, and the sample re-derived from the nonce. `ledger report` prints the table.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { runVerifyCli } from '../../src/cli/verify.js';
import { reportCommand } from '../../src/cli/report.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';

let t: TestLedger;
let dir: ReturnType<typeof tempDir>;
const C = 'ITGC-AC-07';

const base = { system: 'payments-api-prod', actor: { id: 'spiffe://corp/vault-rotator', kind: 'workload' }, subject: { id: 'svc-a', kind: 'service_account' } };
const control = { type: 'control', controlId: C, ...base, occurredAt: '2026-07-01T00:00:00Z', frequency: 'continuous', description: 'rotate', tests: { rotationMaxDays: 30, revocationGraceHours: 24 } };
const issuance = (credentialId: string, at: string) => ({ type: 'credential_issuance', controlId: C, ...base, occurredAt: at, credentialId, credentialType: 'api_key', expiresAt: '2027-01-01T00:00:00Z', ephemeral: false });

async function postAt(iso: string, record: Record<string, unknown>): Promise<void> {
  t.now.ms = Date.parse(iso);
  await t.ledger.append('test-writer', [record as unknown as EvidenceRecord]);
  t.ledger.tick();
}

const get = (p: string, role: 'auditor' | 'writer' | 'admin' = 'auditor') => request(t.app).get(p).set('Authorization', `Bearer ${t.tokens[role]}`);

beforeAll(async () => {
  dir = tempDir('ledger-reports-');
  t = openTestLedger({ nowMs: Date.parse('2026-07-01T00:00:00.000Z') });
  await postAt('2026-07-01T00:00:00.000Z', control); // 0
  await postAt('2026-07-02T00:00:00.000Z', issuance('k1', '2026-07-02T00:00:00Z')); // 1: due 2026-08-01, never rotated
  await postAt('2026-08-20T00:00:00.000Z', issuance('k2', '2026-08-20T00:00:00Z')); // 2: due 2026-09-19 (in August: no)
  t.now.ms = Date.parse('2026-09-01T00:00:01.000Z');
  t.ledger.tick(); // closes 2026-08 (and 2026-Q3 stays open)
  await postAt('2026-09-05T00:00:00.000Z', { type: 'revocation', controlId: C, ...base, occurredAt: '2026-09-05T00:00:00Z', credentialId: 'k9', reason: 'gone', scheduledAt: '2026-09-01T00:00:00Z' }); // 3: late
  t.now.ms = Date.parse('2026-09-25T00:00:00.000Z');
  t.ledger.tick();
});

afterAll(() => {
  t.cleanup();
  dir.cleanup();
});

describe('GET /v1/reports', () => {
  it('reports a closed period with its exceptions', async () => {
    const r = (await get(`/v1/reports/2026-08?controlId=${C}`).expect(200)).body;
    expect(r).toMatchObject({ v: 1, period: '2026-08', controlId: C, provisional: false, asOf: '2026-09-01T00:00:00.000Z', definition: 0, result: 'exceptions' });
    expect(r.population).toEqual({ count: 1, byType: { credential_issuance: 1 } });
    expect(r.exceptions).toEqual([{ rule: 'rotation_overdue', index: 1, credentialId: 'k1', due: '2026-08-01T00:00:00.000Z' }]);
  });

  it('reports an open period provisionally, as of now, anchored at the latest checkpoint', async () => {
    const latest = (await request(t.app).get('/v1/checkpoint')).text.split('\n')[1];
    const r = (await get(`/v1/reports/2026-Q3?controlId=${C}`).expect(200)).body;
    expect(r).toMatchObject({ provisional: true, asOf: '2026-09-25T00:00:00.000Z', anchor: { treeSize: Number(latest) } });
    expect(r.exceptions.map((e: { rule: string; index: number }) => `${e.rule}@${e.index}`)).toEqual(['rotation_overdue@1', 'rotation_overdue@2', 'revocation_late@3']);
  });

  it('summarises every control, and answers undefined for a control with no definition', async () => {
    const s = (await get('/v1/reports/2026-08').expect(200)).body;
    expect(s.controls).toEqual([{ controlId: C, definition: 0, population: 1, exceptions: 1, result: 'exceptions' }]);
    expect((await get('/v1/reports/2026-08?controlId=NOPE-1').expect(200)).body).toMatchObject({ definition: null, result: 'undefined', population: { count: 0, byType: {} } });
  });

  it('refuses malformed input (400), a period before the first entry (404) and wrong tokens (401/403)', async () => {
    expect((await get('/v1/reports/2026-Q5').expect(400)).body.field).toBe('period');
    expect((await get('/v1/reports/2026-08?controlId=').expect(400)).body.field).toBe('controlId');
    expect((await get(`/v1/reports/2026-08?controlId=${'x'.repeat(129)}`).expect(400)).body.field).toBe('controlId');
    expect((await get('/v1/reports/2026-08?control=x').expect(400)).body.field).toBe('control');
    await get('/v1/reports/2026-06').expect(404);
    await request(t.app).get('/v1/reports/2026-08').expect(401);
    await get('/v1/reports/2026-08', 'writer').expect(403);
  });
});

describe('GET /v1/samples', () => {
  it('draws a sample of a closed period and refuses an open one (409)', async () => {
    const s = (await get(`/v1/samples?period=2026-08&controlId=${C}&size=5&nonce=n-1`).expect(200)).body;
    expect(s).toMatchObject({ period: '2026-08', controlId: C, nonce: 'n-1', size: 5 });
    expect(s.sample.map((x: { index: number }) => x.index)).toEqual([2]);
    await get(`/v1/samples?period=2026-Q3&controlId=${C}&size=5&nonce=n-1`).expect(409);
  });

  it('refuses a bad size or nonce (400), naming the field', async () => {
    for (const [q, field] of [
      ['size=0&nonce=a', 'size'], ['size=1001&nonce=a', 'size'], ['size=01&nonce=a', 'size'],
      ['size=1&nonce=', 'nonce'], ['size=1&nonce=a%20b', 'nonce'], [`size=1&nonce=${'a'.repeat(129)}`, 'nonce'], ['size=1', 'nonce'],
    ] as const) {
      expect((await get(`/v1/samples?period=2026-08&controlId=${C}&${q}`).expect(400)).body.field).toBe(field);
    }
  });
});

describe('GET /v1/monitor', () => {
  it('lists what is overdue now, with the entries behind it', async () => {
    const m = (await get(`/v1/monitor?controlId=${C}`).expect(200)).body;
    expect(m.items.map((i: { rule: string; credentialId?: string; due: string }) => [i.rule, i.credentialId, i.due])).toEqual([
      ['rotation_overdue', 'k1', '2026-08-01T00:00:00.000Z'],
      ['rotation_overdue', 'k2', '2026-09-19T00:00:00.000Z'],
    ]);
    expect(m.items[0].entries[0]).toMatchObject({ index: 1, entry: { record: { credentialId: 'k1' } } });
    expect((await get('/v1/monitor').expect(400)).body.field).toBe('controlId');
  });
});

describe('ledger verify and ledger report', () => {
  async function verifyText(query: string, extra: string[] = []): Promise<{ code: number; out: string }> {
    const bundle = (await get(`/v1/bundles?${query}`).expect(200)).text;
    const file = path.join(dir.dir, `b-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, bundle);
    const key = (await request(t.app).get('/v1/key')).body.verifierKey;
    let out = '';
    const code = await runVerifyCli(['verify', file, '--key', key, ...extra], { stdout: (s) => (out += s), stderr: (s) => (out += s) });
    return { code, out };
  }

  it('prints the recomputed report per rule and re-derives the sample', async () => {
    const { code, out } = await verifyText(`period=2026-08&controlId=${C}`, ['--nonce', 'n-1', '--sample-size', '5']);
    expect(code).toBe(0);
    expect(out).toContain(`report: ${C} 2026-08: EXCEPTIONS, recomputed from the entries and equal to the one served`);
    expect(out).toContain('rotation_overdue: 1 exception(s): entry 1 (credential k1, due 2026-08-01T00:00:00.000Z)');
    expect(out).toContain("proved complete by the anchor checkpoint's signed control heads");
    expect(out).toContain('sample (nonce n-1, size 5): entries 2');
  });

  it('says PROVISIONAL plainly for an open period', async () => {
    const { code, out } = await verifyText(`period=2026-Q3&controlId=${C}`);
    expect(code).toBe(0);
    expect(out).toContain(
      'PROVISIONAL: period 2026-Q3 is still open; entries are proved against the latest checkpoint, not a close, and more may arrive before it closes (none can change)',
    );
    expect(out).toContain('(PROVISIONAL, as of 2026-09-25T00:00:00.000Z)');
  });

  it('ledger report prints a table from a running ledger', async () => {
    const server: Server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      let out = '';
      let code = -1;
      const io = {
        stdout: (s: string) => void (out += s),
        stderr: (s: string) => void (out += s),
        stdin: process.stdin,
        stderrIsTTY: false,
        setExitCode: (c: number) => void (code = c),
        exit: (c: number): never => {
          throw new Error(`exit ${c}`);
        },
      };
      await reportCommand(io, { LEDGER_TOKEN: t.tokens.auditor }).parseAsync(['2026-08', '--url', url], { from: 'user' });
      expect(code).toBe(0);
      expect(out).toMatch(/control\s+definition\s+population\s+exceptions\s+result/);
      expect(out).toMatch(new RegExp(`${C}\\s+0\\s+1\\s+1\\s+exceptions`));
      expect(out).toMatch(/^as of 2026-09-01T00:00:00\.000Z; anchored at the period close: tree size \d+, root [0-9a-f]{64}$/m);
      out = '';
      await reportCommand(io, { LEDGER_TOKEN: t.tokens.auditor }).parseAsync(['2026-Q3', '--control', C, '--url', url], { from: 'user' });
      expect(out).toMatch(/^as of \S+; anchored at the latest checkpoint \(PROVISIONAL: the period is still open\): tree size \d+, root [0-9a-f]{64}$/m);
      out = '';
      await reportCommand(io, { LEDGER_TOKEN: t.tokens.auditor }).parseAsync(['2026-08', '--control', C, '--json', '--url', url], { from: 'user' });
      expect(JSON.parse(out)).toMatchObject({ controlId: C, result: 'exceptions' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
