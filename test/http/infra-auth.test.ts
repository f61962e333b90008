import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authenticate, requireRole, type Role, type TokenDirectory, type TokenRecord } from '../../src/http/auth.js';
import { problemHandler } from '../../src/http/problem.js';
import { createLogger, requestLog } from '../../src/http/request-log.js';
import { TOKEN_PATTERN, generateToken, hashToken } from '../../src/http/tokens.js';

const NOW = Date.parse('2026-09-30T12:00:00.000Z');
const ADMIN_ENV_TOKEN = 'automation-admin-token-0123456789abcdef';

/** A directory over plain records, keyed by an independently computed SHA-256 hex. */
function directory(entries: [token: string, record: TokenRecord][]): TokenDirectory {
  const byHash = new Map(entries.map(([token, record]) => [createHash('sha256').update(token).digest('hex'), record]));
  return { findByHash: (hash) => byHash.get(Buffer.from(hash).toString('hex')) };
}

const record = (id: string, role: Role, extra: Partial<TokenRecord> = {}): TokenRecord => ({
  id,
  role,
  source: `${role}-system`,
  expiresAt: null,
  revokedAt: null,
  ...extra,
});

const TOKENS = {
  writer: 'writer-token-aaaaaaaaaaaaaaaaaaaaaaaa',
  auditor: 'auditor-token-bbbbbbbbbbbbbbbbbbbbbbb',
  admin: 'admin-token-ccccccccccccccccccccccccc',
  revoked: 'revoked-token-ddddddddddddddddddddddd',
  expired: 'expired-token-eeeeeeeeeeeeeeeeeeeeeee',
  expiresLater: 'later-token-fffffffffffffffffffffffff',
  badExpiry: 'bad-expiry-token-gggggggggggggggggggg',
};

function app(adminToken?: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const dir = directory([
    [TOKENS.writer, record('tok_writer', 'writer')],
    [TOKENS.auditor, record('tok_auditor', 'auditor')],
    [TOKENS.admin, record('tok_admin', 'admin')],
    [TOKENS.revoked, record('tok_revoked', 'writer', { revokedAt: '2026-09-30T11:00:00.000Z' })],
    [TOKENS.expired, record('tok_expired', 'auditor', { expiresAt: '2026-09-30T12:00:00.000Z' })],
    [TOKENS.expiresLater, record('tok_later', 'auditor', { expiresAt: '2026-09-30T12:00:00.001Z' })],
    [TOKENS.badExpiry, record('tok_bad', 'auditor', { expiresAt: 'next tuesday' })],
  ]);
  const a = express();
  a.use(requestLog(createLogger('info', sink)));
  a.use(authenticate(dir, { adminToken, now: () => NOW }));
  a.get('/whoami', (req, res) => res.json(req.principal ?? null));
  a.post('/write', requireRole('writer'), (_req, res) => res.sendStatus(204));
  a.get('/read', requireRole('auditor'), (_req, res) => res.sendStatus(204));
  a.post('/admin', requireRole('admin'), (_req, res) => res.sendStatus(204));
  a.use(problemHandler);
  return { app: a, lines };
}

const bearer = (token: string) => `Bearer ${token}`;

describe('bearer authentication', () => {
  it('identifies the token’s principal', async () => {
    const res = await request(app().app).get('/whoami').set('Authorization', bearer(TOKENS.writer));
    expect(res.body).toEqual({ tokenId: 'tok_writer', role: 'writer', source: 'writer-system' });
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])('accepts the scheme spelled %s', async (scheme) => {
    const res = await request(app().app).get('/whoami').set('Authorization', `${scheme} ${TOKENS.auditor}`);
    expect(res.body).toMatchObject({ tokenId: 'tok_auditor' });
  });

  it.each([
    ['no header', undefined],
    ['an unknown token', bearer('no-such-token-hhhhhhhhhhhhhhhhhhhhhhh')],
    ['another scheme', `Basic ${Buffer.from('u:p').toString('base64')}`],
    ['a scheme without a token', 'Bearer'],
    ['the token without a scheme', TOKENS.writer],
    ['two tokens', `Bearer ${TOKENS.writer} ${TOKENS.admin}`],
    ['a revoked token', bearer(TOKENS.revoked)],
    ['a token at its expiry instant', bearer(TOKENS.expired)],
    ['a token with an unreadable expiry', bearer(TOKENS.badExpiry)],
  ])('leaves the request anonymous with %s', async (_name, header) => {
    const req = request(app().app).get('/whoami');
    if (header !== undefined) req.set('Authorization', header);
    expect((await req).body).toBeNull();
  });

  it('accepts a token until its expiry instant', async () => {
    const res = await request(app().app).get('/whoami').set('Authorization', bearer(TOKENS.expiresLater));
    expect(res.body).toMatchObject({ tokenId: 'tok_later' });
  });

  it('accepts LEDGER_ADMIN_TOKEN as an admin with source "admin"', async () => {
    const res = await request(app(ADMIN_ENV_TOKEN).app).get('/whoami').set('Authorization', bearer(ADMIN_ENV_TOKEN));
    expect(res.body).toMatchObject({ role: 'admin', source: 'admin' });
  });

  it('does not accept a prefix or extension of LEDGER_ADMIN_TOKEN', async () => {
    const a = app(ADMIN_ENV_TOKEN).app;
    expect((await request(a).get('/whoami').set('Authorization', bearer(ADMIN_ENV_TOKEN.slice(0, -1)))).body).toBeNull();
    expect((await request(a).get('/whoami').set('Authorization', bearer(ADMIN_ENV_TOKEN + 'x'))).body).toBeNull();
  });

  it('accepts no admin token when none is configured', async () => {
    const res = await request(app(undefined).app).get('/whoami').set('Authorization', bearer(ADMIN_ENV_TOKEN));
    expect(res.body).toBeNull();
  });

  it('never writes a token to the log', async () => {
    const { app: a, lines } = app(ADMIN_ENV_TOKEN);
    for (const token of [...Object.values(TOKENS), ADMIN_ENV_TOKEN]) {
      await request(a).post('/write').set('Authorization', bearer(token));
    }
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(0);
    for (const token of [...Object.values(TOKENS), ADMIN_ENV_TOKEN]) expect(log).not.toContain(token);
  });
});

describe('who may do what', () => {
  // Expected statuses from the contract's "Who may do what", written out by hand.
  const matrix: [caller: string, token: string | undefined, write: number, read: number, admin: number][] = [
    ['anonymous', undefined, 401, 401, 401],
    ['unknown token', 'unknown-token-iiiiiiiiiiiiiiiiiiiiiiiii', 401, 401, 401],
    ['revoked writer', TOKENS.revoked, 401, 401, 401],
    ['expired auditor', TOKENS.expired, 401, 401, 401],
    ['writer', TOKENS.writer, 204, 403, 403],
    ['auditor', TOKENS.auditor, 403, 204, 403],
    ['admin', TOKENS.admin, 403, 204, 204],
    ['env admin', ADMIN_ENV_TOKEN, 403, 204, 204],
  ];

  it.each(matrix)('%s: write %i, read %i, administer %i', async (_caller, token, write, read, admin) => {
    const a = app(ADMIN_ENV_TOKEN).app;
    const auth = (req: request.Test) => (token === undefined ? req : req.set('Authorization', bearer(token)));
    expect((await auth(request(a).post('/write'))).status).toBe(write);
    expect((await auth(request(a).get('/read'))).status).toBe(read);
    expect((await auth(request(a).post('/admin'))).status).toBe(admin);
  });

  it('answers 401 as a problem that asks for a bearer token', async () => {
    const res = await request(app().app).get('/read');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 403 as a problem naming the role needed', async () => {
    const res = await request(app().app).post('/write').set('Authorization', bearer(TOKENS.auditor));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text).detail).toMatch(/writer/);
  });

  it('refuses to build a role check without roles', () => {
    expect(() => requireRole()).toThrow(TypeError);
  });
});

describe('tokens', () => {
  it.each(['writer', 'auditor', 'admin'] as const)('generates a %s token in the scannable format', (role) => {
    const { token, id, hash } = generateToken(role);
    expect(token).toMatch(new RegExp(`^elt_${role}_[A-Za-z0-9_-]{43}$`));
    expect(token).toMatch(TOKEN_PATTERN);
    expect(id).toMatch(/^tok_[0-9a-f]{12}$/);
    expect(Buffer.from(hash).toString('hex')).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('decodes to 32 random bytes', () => {
    const secret = generateToken('writer').token.slice('elt_writer_'.length);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('never repeats a token or id', () => {
    const tokens = Array.from({ length: 200 }, () => generateToken('auditor'));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(200);
    expect(new Set(tokens.map((t) => t.id)).size).toBe(200);
  });

  it('hashes as SHA-256 of the UTF-8 text', () => {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    expect(Buffer.from(hashToken('abc')).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses an unknown role', () => {
    expect(() => generateToken('root' as Role)).toThrow(TypeError);
  });

  it('authenticates a generated token through a directory holding only its hash', async () => {
    const { token, id, hash } = generateToken('writer');
    const dir: TokenDirectory = {
      findByHash: (h) => (Buffer.from(h).equals(Buffer.from(hash)) ? record(id, 'writer') : undefined),
    };
    const a = express();
    a.use(authenticate(dir, { now: () => NOW }));
    a.get('/whoami', (req, res) => res.json(req.principal ?? null));
    expect((await request(a).get('/whoami').set('Authorization', bearer(token))).body).toMatchObject({ tokenId: id });
  });
});
