/**
 * C2SP tlog-tiles over HTTP (contract, "Standard read API"): an independent reader written from
 * the spec (test/support/tlog-tiles-reader.ts) checks every tile of every signed checkpoint
 * against its root; the vector logs are served byte for byte; headers, auth and paths as the
 * spec and the contract say.
 */
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { approval, openTestLedger, TEST_ORIGIN, testSigner, type TestLedger } from '../support/ledger.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { formatCosignerKey, formatVerifierKey, generateCosignerKey, parseWitnessPolicy, verifierKeyOf } from '../../src/note/index.js';
import { serve, type RunningServer } from '../support/http-server.js';
import { httpSource, readTlog, type TlogSource } from '../support/tlog-tiles-reader.js';
import { buildVectorLog, type VectorLog } from '../support/vector-log.js';
import { loadVectors, type TileVectors } from '../support/vectors.js';

const vectors = loadVectors<TileVectors>('tiles.json');
const ADMIN_TOKEN = 'tile-vectors-admin-token';

/** The same source, but answering the signed checkpoint of `size` as `checkpoint`. */
function atCheckpoint(base: string, source: TlogSource, size: number): TlogSource {
  return async (p) => (p === 'checkpoint' ? httpSource(`${base}/v1/`)(`checkpoints/${size}`) : source(p));
}

/** Raw bytes and headers, without any decoding (fetch would gunzip). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('tlog-tiles on a ledger of real entries', () => {
  let t: TestLedger;
  let server: RunningServer;
  const sizes: number[] = [];
  const bearer = (role: 'writer' | 'auditor' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });

  beforeAll(async () => {
    t = openTestLedger();
    let n = 0;
    // Sizes 300, 305 (same partial tiles above level 0), 555, 556.
    for (const count of [300, 5, 250, 1]) {
      await t.ledger.append('test-writer', Array.from({ length: count }, () => approval(n++) as EvidenceRecord), undefined, 'batch');
      t.now.ms += 1000;
      t.ledger.tick();
      sizes.push(t.ledger.size);
    }
    server = await serve(t.app);
  });
  afterAll(async () => {
    await server.close();
    t.cleanup();
  });

  const source = () => httpSource(`${server.url}/tlog/`, bearer('auditor'));

  it('a reader from the spec checks every tile and bundle of the latest checkpoint against its root', async () => {
    const read = await readTlog(source(), { verifierKey: t.ledger.key().verifierKey, origin: TEST_ORIGIN, entries: true });
    expect(read.size).toBe(556);
    expect(read.paths).toEqual([
      'tile/0/000', 'tile/0/001', 'tile/0/002.p/44', 'tile/1/000.p/2',
      'tile/entries/000', 'tile/entries/001', 'tile/entries/002.p/44',
    ]);
    expect(read.proofsChecked).toBe(2 + 44 + 2);
    // The bundles carry the exact leaves the ledger stored.
    read.leaves.forEach((leaf, i) => expect(toHex(leaf)).toBe(toHex(t.store.log.entry(i)!.leaf)));
  });

  it('the reader refuses the log if any byte of any tile or bundle it fetches is changed', async () => {
    const opts = { verifierKey: t.ledger.key().verifierKey, origin: TEST_ORIGIN, entries: true };
    const { paths } = await readTlog(source(), opts);
    for (const target of paths) {
      const tampered: TlogSource = async (p) => {
        const res = await source()(p);
        if (p !== target) return res;
        const body = res.body.slice();
        body[body.length - 1]! ^= 0x01;
        return { ...res, body };
      };
      await expect(readTlog(tampered, opts), target).rejects.toThrow();
    }
  });

  it('the same reader checks the tiles of every earlier signed checkpoint (their partial tiles stay served)', async () => {
    for (const size of sizes) {
      const read = await readTlog(atCheckpoint(server.url, source(), size), { verifierKey: t.ledger.key().verifierKey, origin: TEST_ORIGIN, entries: true });
      expect(read.size).toBe(size);
    }
  });

  it('serves /tlog/checkpoint as the same note as /v1/checkpoint, short-lived', async () => {
    const [tlog, v1] = await Promise.all([fetch(`${server.url}/tlog/checkpoint`), fetch(`${server.url}/v1/checkpoint`)]);
    expect(tlog.status).toBe(200);
    expect(tlog.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(tlog.headers.get('cache-control')).toBe('no-cache');
    expect(await tlog.text()).toBe(await v1.text());
  });

  it('serves hash tiles publicly as immutable octet streams, 8,192 bytes when full', async () => {
    const full = await rawGet(`${server.url}/tlog/tile/0/001`, {});
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(full.body.length).toBe(8192);
    const partial = await rawGet(`${server.url}/tlog/tile/1/000.p/2`, {});
    expect(partial.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(partial.body.length).toBe(64);
  });

  it('gzips entry bundles for a client that accepts it, and sends them as they are otherwise', async () => {
    const zipped = await rawGet(`${server.url}/tlog/tile/entries/000`, { ...bearer('auditor'), 'Accept-Encoding': 'gzip' });
    const plain = await rawGet(`${server.url}/tlog/tile/entries/000`, { ...bearer('auditor'), 'Accept-Encoding': 'identity' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toMatch(/Accept-Encoding/);
    expect(zipped.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const unasked = await rawGet(`${server.url}/tlog/tile/entries/000`, bearer('auditor'));
    expect(unasked.headers['content-encoding']).toBeUndefined();
    expect(unasked.body.equals(plain.body)).toBe(true);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.body.length).toBeLessThan(plain.body.length);
  });

  it('entry bundles need an auditor (or admin) token: 401 without, 403 for a writer', async () => {
    const url = `${server.url}/tlog/tile/entries/000`;
    const none = await rawGet(url, {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await rawGet(url, bearer('writer'))).status).toBe(403);
    expect((await rawGet(url, bearer('auditor'))).status).toBe(200);
    expect((await rawGet(url, bearer('admin'))).status).toBe(200);
    // Even a malformed bundle path says nothing before the token is checked.
    expect((await rawGet(`${server.url}/tlog/tile/entries/0`, {})).status).toBe(401);
  });

  it('answers 404 for tiles that do not exist (yet), never an empty tile', async () => {
    for (const p of ['tile/0/003', 'tile/0/002', 'tile/0/002.p/45', 'tile/0/002.p/42', 'tile/0/001.p/48', 'tile/1/000', 'tile/1/000.p/3', 'tile/2/000.p/1', 'tile/0/x009/x007/x199/x254/x740/992']) {
      const res = await rawGet(`${server.url}/tlog/${p}`, {});
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['cache-control']).toBe('no-store'); // a tile not there yet must not be cached (request-hygiene.ts)
    }
    expect((await rawGet(`${server.url}/tlog/tile/entries/003`, bearer('auditor'))).status).toBe(404);
  });

  it('answers 400 naming the path for a path that is not the canonical spelling of a tile', async () => {
    for (const p of ['tile/0/x000/001', 'tile/00/000', 'tile/0/0', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/05', 'tile/64/000', 'tile/0/000/', 'tile/0/%30%30%30', 'tile/0/001.P/5', 'tile/x/000']) {
      const res = await rawGet(`${server.url}/tlog/${p}`, {});
      expect(res.status, p).toBe(400);
      const body = JSON.parse(res.body.toString('utf8'));
      expect(body.field).toBe('path');
      expect(body.detail).toMatch(/canonical tile path/);
    }
  });

  it('is case-sensitive: another spelling of /tlog/tile is not a tile path', async () => {
    expect((await rawGet(`${server.url}/TLOG/TILE/0/000`, {})).status).toBe(404);
  });
});

describe('tlog-tiles before anything is signed', () => {
  it('answers 404 for the checkpoint and for every tile', async () => {
    const t = openTestLedger();
    try {
      const server = await serve(t.app);
      try {
        for (const p of ['checkpoint', 'tile/0/000.p/1', 'tile/0/000']) expect((await fetch(`${server.url}/tlog/${p}`)).status, p).toBe(404);
      } finally {
        await server.close();
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('tlog-tiles under a witness policy', () => {
  it('/tlog/checkpoint answers what /v1/checkpoint answers (here: no quorum yet), and the signed tiles are served', async () => {
    const w = generateCosignerKey(nodeCrypto, 'witness.test/away', new Uint8Array(32).fill(3));
    // Port 9 (discard) on loopback: nothing answers, so no checkpoint meets the quorum.
    const policy = parseWitnessPolicy(nodeCrypto, `log ${formatVerifierKey(verifierKeyOf(testSigner()))}\nwitness away ${formatCosignerKey(verifierKeyOf(w))} http://127.0.0.1:9\nquorum away\n`);
    const t = openTestLedger({ witnessPolicy: policy });
    try {
      await t.ledger.append('w', [approval(0) as EvidenceRecord]);
      t.ledger.tick();
      const server = await serve(t.app);
      try {
        const [tlog, v1] = await Promise.all([fetch(`${server.url}/tlog/checkpoint`), fetch(`${server.url}/v1/checkpoint`)]);
        expect(tlog.status).toBe(404);
        expect(v1.status).toBe(404);
        const signed = await fetch(`${server.url}/tlog/checkpoint?latest=signed`);
        expect(await signed.text()).toBe(await (await fetch(`${server.url}/v1/checkpoint?latest=signed`)).text());
        expect((await fetch(`${server.url}/tlog/tile/0/000.p/1`)).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('tlog-tiles at level 2 (over 65,536 entries)', () => {
  let log: VectorLog;
  let server: RunningServer;
  beforeAll(async () => {
    log = buildVectorLog(66_000, [65_536, 66_000]);
    server = await serve(createHandler({ ledger: log.ledger, logger: createLogger('silent') }));
  });
  afterAll(async () => {
    await server.close();
    log.cleanup();
  });

  it('the reader checks every tile of each checkpoint, level 2 included', async () => {
    const base = httpSource(`${server.url}/tlog/`);
    const opts = { verifierKey: log.ledger.key().verifierKey, origin: TEST_ORIGIN, entries: false };
    const at65536 = await readTlog(atCheckpoint(server.url, base, 65_536), opts);
    expect(at65536.paths.filter((p) => !p.startsWith('tile/0/'))).toEqual(['tile/1/000', 'tile/2/000.p/1']);
    const latest = await readTlog(base, opts);
    expect(latest.paths.filter((p) => !p.startsWith('tile/0/'))).toEqual(['tile/1/000', 'tile/1/001.p/1', 'tile/2/000.p/1']);
    expect(latest.paths.filter((p) => p.startsWith('tile/0/'))).toHaveLength(258);
    expect(latest.proofsChecked).toBe(257 + 208 + 1 + 1 + 1);
  });
});

describe('tlog-tiles over the vector logs', () => {
  let log: VectorLog;
  let server: RunningServer;
  beforeAll(async () => {
    log = buildVectorLog(600, vectors.cases.map((c) => c.size));
    server = await serve(createHandler({ ledger: log.ledger, logger: createLogger('silent'), adminToken: ADMIN_TOKEN }));
  });
  afterAll(async () => {
    await server.close();
    log.cleanup();
  });

  it('serves every vector tile and bundle byte for byte', async () => {
    // The vector log has no tokens: the environment's admin token reads the bundles.
    for (const c of vectors.cases) {
      for (const tile of [...c.tiles, ...c.entry_bundles]) {
        const res = await fetch(`${server.url}/tlog/${tile.path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(res.status, tile.path).toBe(200);
        expect(toHex(new Uint8Array(await res.arrayBuffer())), tile.path).toBe(tile.hex);
      }
    }
  });

  it('the reader accepts each vector size', async () => {
    for (const c of vectors.cases) {
      const read = await readTlog(atCheckpoint(server.url, httpSource(`${server.url}/tlog/`), c.size), {
        verifierKey: log.ledger.key().verifierKey,
        origin: TEST_ORIGIN,
        entries: false,
      });
      expect(toHex(read.root)).toBe(c.root_hex);
      expect(read.paths).toEqual(c.tiles.map((x) => x.path));
    }
  });
});
