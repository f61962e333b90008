/**
 * `ledger backup` while the real server writes, and `ledger restore`, which refuses a backup
 * that fails the audit, is behind (or beside) the newest published checkpoint, or would replace
 * a database in use; a restored ledger continues consistently with every checkpoint it holds.
 */
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { generateSignerKey, signCheckpoint } from '../../src/note/index.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { consistencyHolds, openCheckpointNote, parseVerifierKey } from '../../scripts/harness-oracle.js';
import { ORIGIN, createToken, ledgerFolder, post, runCli, startInProcess, waitFor, type LedgerFolder } from './support.js';

/** Entries acknowledged before the online backup starts. */
const BEFORE_BACKUP = 60;

interface Row {
  idx: number;
  leaf_hash: Buffer;
  subject_id: string;
}

function rows(file: string): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT idx, leaf_hash, subject_id FROM entries ORDER BY idx').all() as Row[];
  } finally {
    db.close();
  }
}

function checkpointNotes(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT note FROM checkpoints ORDER BY tree_size').pluck().all() as string[];
  } finally {
    db.close();
  }
}

const size = (note: string) => Number(note.split('\n')[1]);

describe('backup and restore', () => {
  let f: LedgerFolder;
  let server: ServerProcess;
  let url: string;
  let writer: string;
  let written = 0;
  const acked = new Map<string, number>();
  const writeSome = async (n: number) => {
    for (let i = 0; i < n; i++, written++) {
      const r = await post(url, writer, `bk-${written}`);
      expect(r.status).toBe(201);
      acked.set(`bk-${written}`, r.body.index!);
    }
  };
  const file = (name: string) => path.join(f.dir, name);

  beforeAll(async () => {
    f = ledgerFolder('ledger-backup-');
    server = ServerProcess.spawn(f.env);
    url = await server.waitListening();
    writer = await createToken(url, f.adminToken, 'writer');
    await writeSome(BEFORE_BACKUP);
  });
  afterAll(async () => {
    await server.kill();
    f.cleanup();
  });

  let early: string; // a backup taken early
  let published: string; // a checkpoint handed out after it
  let late: string; // a backup taken after that checkpoint

  it('takes an online, consistent backup while the server keeps writing', async () => {
    const ackedBefore = new Map(acked);
    early = file('early.db');
    let backingUp = true;
    const writtenBefore = written;
    const writing = (async () => {
      while (backingUp) await writeSome(1);
    })();
    const run = await runCli(['backup', '--db', f.dbFile, '--to', early, '--audit']);
    backingUp = false;
    await writing;
    expect(written - writtenBefore).toBeGreaterThan(10); // the server kept acknowledging throughout
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^backup .*early\.db: \d+ entries, newest checkpoint \d+, \d+ bytes\naudit of the backup: OK/);

    const copy = rows(early);
    const live = rows(f.dbFile);
    expect(copy.length).toBeGreaterThanOrEqual(BEFORE_BACKUP);
    expect(copy.length).toBeLessThan(live.length); // writes went on after the snapshot
    copy.forEach((r, i) => expect(r.leaf_hash.equals(live[i]!.leaf_hash), `entry ${i}`).toBe(true));
    const where = new Map(copy.map((r) => [r.subject_id, r.idx]));
    for (const [marker, index] of ackedBefore) expect(where.get(marker)).toBe(index);
    // One self-contained file: nothing beside it to forget when it is copied off-site.
    expect(readdirSync(f.dir).filter((n) => n.startsWith('early.db'))).toEqual(['early.db']);
  });

  it('never overwrites an existing backup', async () => {
    const run = await runCli(['backup', '--db', f.dbFile, '--to', early]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already exists/);
  });

  it('refuses a backup behind the newest published checkpoint: continuing from it would fork the log', async () => {
    await writeSome(20);
    // The server signs the new size within a checkpoint interval.
    await waitFor(async () => size(await (await fetch(`${url}/v1/checkpoint`)).text()) > rows(early).length, 'a checkpoint past the backup');
    published = await (await fetch(`${url}/v1/checkpoint`)).text();
    expect(size(published)).toBeGreaterThan(rows(early).length);
    writeFileSync(file('published.note'), published);

    const target = file('restored-early/ledger.db');
    const run = await runCli(['restore', '--from', early, '--db', target, '--not-before', file('published.note'), '--key', f.verifierKey]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused \(BEHIND_PUBLISHED\): the backup holds \d+ entries, but a checkpoint of size \d+ was published/);
    expect(existsSync(target)).toBe(false);
  });

  it('restores a backup that holds the published checkpoint, and the ledger continues consistently with every checkpoint in it', async () => {
    late = file('late.db');
    expect((await runCli(['backup', '--db', f.dbFile, '--to', late])).code).toBe(0);
    const target = file('restored/ledger.db');
    const run = await runCli(['restore', '--from', late, '--db', target, '--not-before', '-', '--key', f.verifierKey], published);
    expect(run.stderr).not.toMatch(/refused|error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/restored .* consistent with the published checkpoint of size \d+/);
    // Each step is announced on stderr as it starts (a large restore takes minutes).
    expect(run.stderr.match(/^ledger restore: (copying|auditing|checking|installing)/gm)).toEqual([
      'ledger restore: copying', 'ledger restore: auditing', 'ledger restore: checking', 'ledger restore: installing',
    ]);
    expect(rows(target).map((r) => r.leaf_hash.toString('hex'))).toEqual(rows(late).map((r) => r.leaf_hash.toString('hex')));

    const s = await startInProcess(f, {}, { LEDGER_DB: target });
    try {
      const w = await createToken(s.url, f.adminToken, 'writer', 'after-restore');
      for (let i = 0; i < 5; i++) expect((await post(s.url, w, `after-${i}`)).status).toBe(201);
      s.ledger.tick();
      const key = parseVerifierKey(f.verifierKey);
      const newest = openCheckpointNote(await (await fetch(`${s.url}/v1/checkpoint`)).text(), key);
      const before = [...checkpointNotes(late), published].map((n) => openCheckpointNote(n, key)).filter((c) => c.size > 0);
      // The token's issuance is an entry too (the ledger's own access as evidence).
      expect(newest.size).toBe(rows(late).length + 1 + 5);
      for (const old of before) {
        const proof = ((await (await fetch(`${s.url}/v1/proofs/consistency?from=${old.size}&to=${newest.size}`)).json()) as { proof: string[] }).proof;
        const ok = consistencyHolds(old.size, newest.size, old.root, newest.root, proof.map((h) => Buffer.from(h, 'hex')));
        expect(ok, `checkpoint ${old.size} -> ${newest.size}`).toBe(true);
      }
    } finally {
      await s.close();
    }
  });

  it('refuses a backup of another history with the same key (a fork at the published size)', async () => {
    const other = ledgerFolder('ledger-other-');
    try {
      copyFileSync(f.keyFile, other.keyFile);
      const s = await startInProcess(other, {}, { LEDGER_KEY_FILE: f.keyFile });
      const w = await createToken(s.url, other.adminToken, 'writer');
      for (let i = 0; i < size(published) + 3; i++) expect((await post(s.url, w, `other-${i}`)).status).toBe(201);
      await s.close();
      const run = await runCli(['restore', '--from', other.dbFile, '--db', file('forked/ledger.db'), '--not-before', file('published.note')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/refused \(FORKED\): the backup's tree at size \d+ has root [0-9a-f]{64}, not the published/);
    } finally {
      other.cleanup();
    }
  });

  it('refuses a backup that fails the audit', async () => {
    const tampered = file('tampered.db');
    copyFileSync(late, tampered);
    const db = new Database(tampered);
    db.exec('DROP TRIGGER entries_no_update');
    db.prepare("UPDATE entries SET leaf = CAST(REPLACE(CAST(leaf AS TEXT), 'bk-3\"', 'bk-X\"') AS BLOB) WHERE CAST(leaf AS TEXT) LIKE '%bk-3\"%'").run();
    db.close();
    const target = file('restored-tampered/ledger.db');
    const run = await runCli(['restore', '--from', tampered, '--db', target, '--not-before', file('published.note'), '--key', f.verifierKey]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused \(AUDIT_FAILED\): the backup fails the audit/);
    expect(run.stderr).toMatch(/LEAF_HASH_MISMATCH/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a --not-before checkpoint that the log key did not sign', async () => {
    const impostor = generateSignerKey(nodeCrypto, ORIGIN);
    const forged = signCheckpoint(nodeCrypto, { origin: ORIGIN, size: 1, rootHash: rows(late)[0]!.leaf_hash, extensions: [] }, impostor);
    const run = await runCli(['restore', '--from', late, '--db', file('restored-forged/ledger.db'), '--not-before', '-', '--key', f.verifierKey], forged);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused \(BAD_CHECKPOINT\)/);
  });

  it('keeps an existing database unless --force, and then keeps it aside', async () => {
    const target = file('restored/ledger.db');
    const refused = await runCli(['restore', '--from', late, '--db', target, '--not-before', file('published.note')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused \(TARGET_EXISTS\)/);
    const forced = await runCli(['restore', '--from', late, '--db', target, '--not-before', file('published.note'), '--force']);
    expect(forced.code).toBe(0);
    const kept = readdirSync(path.dirname(target)).filter((n) => n.startsWith('ledger.db.before-restore-'));
    expect(kept.some((n) => /^ledger\.db\.before-restore-[0-9TZ-]+$/.test(n))).toBe(true);
    expect(rows(target).length).toBe(rows(late).length);
  });

  it('refuses to restore over a database a running ledger is writing', async () => {
    const sizeBefore = rows(f.dbFile).length;
    const run = await runCli(['restore', '--from', late, '--db', f.dbFile, '--not-before', file('published.note'), '--force']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/another ledger process \(pid \d+\) is already writing/);
    expect(rows(f.dbFile).length).toBe(sizeBefore);
    expect((await post(url, writer, 'still-writing')).status).toBe(201);
  });
});
