/**
 * `ledger migrate --from sqlite:FILE --to postgres://…` on a real PostgreSQL (LEDGER_TEST_DATABASE_URL):
 * a log holding every kind of content is copied, the target serves the same checkpoint, proofs
 * and entries and passes `ledger audit`; a non-empty target, an unknown table and a tampered
 * source are refused with the reason.
 */
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateCommand } from '../../src/cli/migrate.js';
import { auditCommand } from '../../src/cli/audit.js';
import { backupCommand } from '../../src/cli/backup.js';
import { exportTilesCommand } from '../../src/cli/export-tiles.js';
import { restoreCommand } from '../../src/cli/restore.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { requestRedaction } from '../../src/ledger/redaction.js';
import { COPIED_TABLES, OWN_TABLES } from '../../src/ledger/migration-tables.js';
import { tablesOf } from '../../src/ledger/migration.js';
import { compareTables } from '../../src/ledger/migration-proof.js';
import { cosignCheckpoint, formatCosignerKey, formatVerifierKey, generateCosignerKey, verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import { Store } from '../../src/store/index.js';
import { approval, openTestLedger, rotation, TEST_SETTINGS } from '../support/ledger.js';
import { freshSchemaUrl, testDatabaseUrl } from '../support/pg-schema.js';
import { runCommand, type Run } from '../support/run-command.js';
import { savePristine, tamperedCopy } from '../support/tamper.js';
import { tempDir } from '../support/tmp.js';

const pgUrl = testDatabaseUrl();

const START_MS = Date.parse('2026-09-14T02:00:00.000Z');
const DAY_MS = 86_400_000;
const witness = generateCosignerKey(c, 'witness.test/migrate', new Uint8Array(32).fill(7));
const ask = { reason: 'A password was pasted into details.note (SEC-3301).', ticket: 'SEC-3301' };

let dir: ReturnType<typeof tempDir>;
let pristine: string;
let signer: SignerKey;
let auditorToken: string;
const schemas: { drop(): void }[] = [];

function schema(): string {
  const s = freshSchemaUrl();
  schemas.push(s);
  return s.url;
}

const migrate = (...args: string[]): Promise<Run> => runCommand(migrateCommand, 'migrate', args);

describe.skipIf(!pgUrl)('ledger migrate (SQLite to PostgreSQL)', () => {
  beforeAll(async () => {
    dir = tempDir('ledger-migrate-');
    const t = openTestLedger({ sqliteFile: true, settings: { redactionApprovals: 2 } });
    signer = t.signer;
    auditorToken = t.tokens.auditor;
    const as = (role: 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });
    await t.ledger.append('test-writer', Array.from({ length: 6 }, (_, i) => rotation(i) as EvidenceRecord), 'idem-1');
    await t.ledger.append('test-writer', [approval(1), approval(2, 'okta-prod')] as EvidenceRecord[]);
    t.ledger.tick();
    // A source signing key (source_keys, an entry of the ledger's own).
    const publicKey = Buffer.alloc(32, 9).toString('base64');
    await request(t.app).post('/v1/source-keys').set(as('admin')).send({ source: 'signed-source', publicKey }).expect(201);
    t.ledger.indexSearchStep(100);
    // Entry 2 is redacted by two approvals; entry 5 has one approval and keeps its leaf.
    await requestRedaction(t.ledger, { targetIndex: 2, ...ask, approver: 'admin-a' });
    await t.ledger.append('test-writer', [rotation(20) as EvidenceRecord]);
    await requestRedaction(t.ledger, { targetIndex: 5, ...ask, approver: 'admin-a' });
    const applied = await requestRedaction(t.ledger, { targetIndex: 2, ...ask, approver: 'admin-b' });
    expect(applied.applied).toBe(true);
    t.now.ms += 1000;
    t.ledger.tick();
    // A witness cosignature of the newest checkpoint.
    const row = t.store.checkpoints.latest()!;
    const body = row.note.slice(0, row.note.indexOf('\n\n') + 1);
    t.store.cosignatures.add({
      treeSize: row.treeSize,
      cosigner: witness.name,
      keyHash: witness.keyHash,
      timestamp: 1_800_000_000,
      line: cosignCheckpoint(c, body, witness, 1_800_000_000).replace(/\n$/, ''),
      witnessKey: formatCosignerKey(verifierKeyOf(witness)),
      receivedAt: '2026-09-14T02:00:01.000Z',
    });
    // The day ends: a period close, and more entries after it.
    t.now.ms = START_MS + DAY_MS + 5000;
    await t.ledger.append('test-writer', [rotation(30) as EvidenceRecord]);
    t.ledger.tick();
    t.now.ms += 1000;
    t.ledger.tick();
    t.ledger.indexSearchStep(100);
    pristine = savePristine(t, dir.dir);
    const facts = Store.open(pristine, { readonly: true });
    try {
      // The fixture holds what it claims to (else the test below proves less than it says).
      for (const table of ['tokens', 'idempotency', 'period_closes', 'cosignatures', 'source_keys', 'redaction_approvals', 'redactions', 'control_heads', 'entry_search', 'search_batches']) {
        expect(Number(facts.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()), table).toBeGreaterThan(0);
      }
      expect(facts.log.entry(2)!.leaf.length).toBe(0);
    } finally {
      facts.close();
    }
  });

  afterAll(() => {
    for (const s of schemas) s.drop();
    dir?.cleanup();
  });

  it('copies the log, and the target serves the same checkpoint, proofs and entries and passes ledger audit', async () => {
    const url = schema();
    // A small batch: many write transactions, and a short last one in each table.
    const run = await migrate('--from', `sqlite:${pristine}`, '--to', url, '--batch', '7');
    expect(run.stderr).toContain('ledger migrate: copying entries');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/migrated .*: 14 entries, \d+ checkpoints; tree size 14, root [0-9a-f]{64}/);
    expect(run.stdout).toContain('the audit passes on the target');

    const audit = await runCommand(auditCommand, 'audit', ['--db', url, '--key', formatVerifier(signer)]);
    expect(audit.code, audit.stdout).toBe(0);
    expect(audit.stdout).toMatch(/cosignatures: +1 checked/);

    const source = serve(Store.open(copyOf(pristine)));
    const target = serve(Store.open(url));
    try {
      const paths = ['/v1/checkpoints/14', '/v1/key', '/v1/proofs/inclusion?index=3&treeSize=14', '/v1/proofs/consistency?from=5&to=14', '/v1/periods', '/v1/entries/4', '/v1/entries/2', '/v1/entries?controlId=ITGC-AC-04', '/v1/entries/4/tlog-proof?treeSize=14', '/v1/entries/2/tlog-proof?treeSize=14'];
      for (const p of paths) {
        const [a, b] = await Promise.all([source.get(p), target.get(p)]);
        expect(b.status, p).toBe(a.status);
        expect(b.text, p).toBe(a.text);
      }
      // The redacted entry stays redacted: its leaf is gone, its leaf hash still proves.
      expect((await target.get('/v1/entries/2/tlog-proof?treeSize=14')).status).toBe(410);
      expect((await target.get('/v1/entries/4/tlog-proof?treeSize=14')).status).toBe(200);
      expect((await target.get('/v1/proofs/inclusion?index=2&treeSize=14')).status).toBe(200);
    } finally {
      source.close();
      target.close();
    }
  });

  // Hash tiles and the checkpoint only: an entry bundle holding a redacted entry cannot be served whole, from either.
  it('export-tiles writes the same tiles and checkpoint from the target as from the source; backup and restore send PostgreSQL to its own tools', async () => {
    const url = schema();
    expect((await migrate('--from', `sqlite:${pristine}`, '--to', url)).code).toBe(0);
    const fromFile = path.join(dir.dir, 'tiles-sqlite');
    const fromPg = path.join(dir.dir, 'tiles-postgres');
    const fromSource = await runCommand(exportTilesCommand, 'export-tiles', ['--db', copyOf(pristine), '--out', fromFile, '--no-entries']);
    expect(fromSource.code, fromSource.stderr).toBe(0);
    const exported = await runCommand(exportTilesCommand, 'export-tiles', ['--db', url, '--out', fromPg, '--no-entries']);
    expect(exported.code, exported.stderr).toBe(0);
    const files = (root: string) => (readdirSync(root, { recursive: true }) as string[]).filter((f) => statSync(path.join(root, f)).isFile()).sort();
    expect(files(fromPg)).toEqual(files(fromFile));
    expect(files(fromPg).length).toBeGreaterThan(2);
    for (const f of files(fromFile)) expect(readFileSync(path.join(fromPg, f)).equals(readFileSync(path.join(fromFile, f))), f).toBe(true);

    const backup = await runCommand(backupCommand, 'backup', ['--db', url, '--to', path.join(dir.dir, 'b.db')]);
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain("PostgreSQL's own tools");
    const restore = await runCommand(restoreCommand, 'restore', ['--from', pristine, '--db', url, '--not-before', pristine]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain("PostgreSQL's own tools");
  });

  it('refuses a target that already holds a log, naming its size, and leaves it as it was', async () => {
    const url = schema();
    expect((await migrate('--from', `sqlite:${pristine}`, '--to', url)).code).toBe(0);
    const again = await migrate('--from', `sqlite:${pristine}`, '--to', url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\(TARGET_NOT_EMPTY\): the target already holds a log of 14 entries/);
    const store = Store.open(url, { readonly: true });
    expect(store.log.size()).toBe(14);
    store.close();
  });

  it('refuses a source holding a table it does not know, before writing anything, and a target schema holding another table', async () => {
    const file = tamperedCopy(dir.dir, pristine, [], (db) => db.exec('CREATE TABLE future_facts (x INTEGER)'));
    const url = schema();
    const run = await migrate('--from', `sqlite:${file}`, '--to', url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\(UNKNOWN_TABLE\): the source holds table future_facts/);
    const store = Store.open(url, { readonly: true });
    expect(store.log.size()).toBe(0);
    store.close();

    const crowded = schema();
    const other = Store.open(crowded);
    other.db.exec('CREATE TABLE someone_elses (x INTEGER)');
    other.close();
    const refused = await migrate('--from', `sqlite:${pristine}`, '--to', crowded);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\(UNKNOWN_TABLE\): the target holds table someone_elses that are not the ledger's/);
  });

  it('fails with the first difference on a tampered source: a changed leaf fails the audit, a missing entry stops the copy', async () => {
    const changed = tamperedCopy(dir.dir, pristine, ['entries_no_update'], (db) =>
      db.prepare(`UPDATE entries SET leaf = CAST(replace(CAST(leaf AS TEXT), 'svc-ledger-export-4', 'svc-ledger-export-X') AS BLOB) WHERE idx = 4`).run(),
    );
    const audited = await migrate('--from', `sqlite:${changed}`, '--to', schema());
    expect(audited.code).toBe(1);
    expect(audited.stderr).toMatch(/\(AUDIT_FAILED\): the target fails the audit \(\d+ findings, first bad index 4\)/);

    const gap = tamperedCopy(dir.dir, pristine, ['entries_no_delete'], (db) => db.prepare('DELETE FROM entries WHERE idx = 6').run());
    const stopped = await migrate('--from', `sqlite:${gap}`, '--to', schema(), '--batch', '4');
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/\(COPY_FAILED\): the target refused entries row \(idx=7\): .*index must be the next one/);
  });

  it('the proof names the first row that differs (a column no trigger guards, changed on the target after the copy)', async () => {
    const url = schema();
    expect((await migrate('--from', `sqlite:${pristine}`, '--to', url)).code).toBe(0);
    const source = Store.open(pristine, { readonly: true });
    const target = Store.open(url);
    try {
      expect(source.readSnapshot(() => compareTables(source, target))).toBeGreaterThan(14);
      target.db.prepare("UPDATE source_keys SET entry_index = 99 WHERE source = 'signed-source'").run();
      expect(() => source.readSnapshot(() => compareTables(source, target))).toThrow(
        /source_keys: row \(source="signed-source"\) differs in entry_index: source \d+, target 99/,
      );
    } finally {
      source.close();
      target.close();
    }
  });

  it('says what is wrong with its arguments (exit 2)', async () => {
    expect((await migrate('--from', pristine, '--to', 'postgres://x/y')).stderr).toContain('--from must be sqlite:FILE');
    const run = await migrate('--from', `sqlite:${pristine}`, '--to', path.join(dir.dir, 'other.db'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--to must be a postgres://');
  });
});

describe.skipIf(!pgUrl)('the tables ledger migrate knows', () => {
  it('are exactly the tables of a migrated SQLite file and of a migrated PostgreSQL schema', () => {
    const known = [...COPIED_TABLES.map((t) => t.name), ...OWN_TABLES].sort();
    const d = tempDir('ledger-migrate-tables-');
    const sqlite = Store.open(path.join(d.dir, 'fresh.db'));
    const url = freshSchemaUrl();
    const pg = Store.open(url.url);
    try {
      expect(tablesOf(sqlite).sort()).toEqual(known);
      expect(tablesOf(pg).sort()).toEqual(known);
    } finally {
      sqlite.close();
      pg.close();
      url.drop();
      d.cleanup();
    }
  });
});

function formatVerifier(key: SignerKey): string {
  return formatVerifierKey(verifierKeyOf(key));
}

function copyOf(file: string): string {
  const copy = path.join(dir.dir, `served-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(file, copy);
  return copy;
}

/** The ledger's HTTP app on `store` (not started: no ticks), asked as an auditor. */
function serve(store: Store): { get(p: string): Promise<request.Response>; close(): void } {
  const ledger = Ledger.open({ store, signer, crypto: c, settings: TEST_SETTINGS, clock: () => START_MS + 2 * DAY_MS });
  const app = createHandler({ ledger, logger: createLogger('silent') });
  return {
    get: (p) => request(app).get(p).set({ Authorization: `Bearer ${auditorToken}` }).then((r) => r),
    close: () => {
      ledger.close();
      store.close();
    },
  };
}
