/**
 * The ledger's own access as evidence (README, "The ledger's own access as evidence"). Every
 * change to who may use the ledger goes through here and is appended to the log as a record
 * (access-records.ts) IN THE SAME TRANSACTION as the change itself: the token row and its
 * issuance entry, the revocation and its entry, an issuer or key and its entry are one durable
 * commit (Sequencer's `alsoWrite`), so no crash can leave a change without its evidence or
 * evidence of a change that did not happen.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../crypto/bytes.js';
import {
  issuerRemovedRecord,
  issuerTrustedRecord,
  signingKeyRecord,
  sourceKeyRecord,
  tokenExpiredRecord,
  tokenIssuedRecord,
  tokenRevokedRecord,
  type AccessContext,
  type IssuerFacts,
} from '../evidence/access-records.js';
import { canonicalJson, formatTimestamp, type EvidenceRecord, type Identity } from '../evidence/index.js';
import { generateToken, type Role } from '../http/tokens.js';
import type { TrustedIssuer } from '../identity/oidc-config.js';
import type { Ledger } from './ledger.js';
import type { AppendedEntry } from './sequencer.js';

export interface AccessSettings {
  /** LEDGER_ACCESS_CONTROL_ID: the control the ledger's own access records evidence. */
  controlId: string;
  /** LEDGER_TOKEN_TTL_DAYS: the expiry of a token issued without one. */
  tokenTtlDays: number;
  /** LEDGER_DEV_TOKEN_TTL_DAYS: the expiry of the first run's development tokens. */
  devTokenTtlDays: number;
}

export { DEFAULT_DEV_TOKEN_TTL_DAYS, DEFAULT_TOKEN_TTL_DAYS } from '../evidence/access-records.js';
/** Expired tokens recorded per sweep: a sweep is one append, bounded like any batch. */
const EXPIRIES_PER_SWEEP = 500;
const DAY_MS = 86_400_000;

export interface IssuedToken {
  id: string;
  token: string;
  role: Role;
  source: string;
  expiresAt: string;
}

export class AccessRecorder {
  /** Token ids whose revocation is being committed: a second request for one is told it is gone. */
  private readonly revoking = new Set<string>();
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly ledger: Ledger,
    readonly settings: AccessSettings,
  ) {}

  /** The default expiry of a token issued now (`days` from now). */
  expiryIn(days: number): string {
    return formatTimestamp(this.ledger.clock() + days * DAY_MS);
  }

  /** Issues a token; resolves once the token row and its `credential_issuance` entry are committed together. */
  async issueToken(actor: Identity, request: { role: Role; source: string; expiresAt?: string }): Promise<IssuedToken> {
    const t = generateToken(request.role);
    const expiresAt = request.expiresAt ?? this.expiryIn(this.settings.tokenTtlDays);
    const ctx = this.context(actor);
    const record = tokenIssuedRecord(ctx, { tokenId: t.id, role: request.role, source: request.source, expiresAt });
    const store = this.ledger.store;
    await this.ledger.appendOwn([record], {
      alsoWrite: () => store.tokens.add({ id: t.id, hash: t.hash, role: request.role, source: request.source, createdAt: ctx.occurredAt, expiresAt }),
    });
    return { id: t.id, token: t.token, role: request.role, source: request.source, expiresAt };
  }

  /** Revokes an active token with its `revocation` entry in the same commit; false when there is no such token. */
  async revokeToken(actor: Identity, id: string): Promise<boolean> {
    const row = this.ledger.store.tokens.findById(id);
    if (!row || row.revokedAt !== null || this.revoking.has(id)) return false;
    this.revoking.add(id);
    try {
      const ctx = this.context(actor);
      const record = tokenRevokedRecord(ctx, { tokenId: id, role: row.role, source: row.source });
      await this.ledger.appendOwn([record], {
        alsoWrite: () => {
          if (!this.ledger.store.tokens.revokeById(id, ctx.occurredAt)) throw new Error(`token ${id} was revoked by another connection meanwhile`);
        },
      });
      return true;
    } finally {
      this.revoking.delete(id);
    }
  }

  /**
   * Records each token whose expiry has passed and is not yet in the log: one `revocation`
   * (reason "expired", scheduledAt = the expiry) per token, with its token_expiries row. Run at
   * start-up and then periodically by the service, so an expiry is in the log within one sweep
   * interval of passing (its `receivedAt - scheduledAt` shows the lag). Returns how many.
   */
  recordExpiries(): Promise<number> {
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweep(): Promise<number> {
    const store = this.ledger.store;
    const now = formatTimestamp(this.ledger.clock());
    const expired = store.access.expiredUnrecorded(now, EXPIRIES_PER_SWEEP);
    if (expired.length === 0) return 0;
    const c = { controlId: this.settings.controlId, system: this.ledger.key().origin, occurredAt: now };
    const records = expired.map((t) => tokenExpiredRecord(c, { tokenId: t.id, role: t.role, source: t.source, expiresAt: t.expiresAt }));
    await this.ledger.appendOwn(records, {
      alsoWrite: (entries) => expired.forEach((t, i) => store.access.recordExpiry(t.id, entries[i]!.index, now)),
    });
    return expired.length;
  }

  /**
   * At start-up: records the checkpoint key when the log has not recorded it yet (a new log, or a
   * new key), and every trusted issuer added, changed or removed since the last start. `operator`
   * is whoever started the service (LEDGER_OPERATOR). Returns how many records were appended.
   */
  async recordStartup(operator: Identity, issuers: readonly TrustedIssuer[]): Promise<number> {
    const store = this.ledger.store;
    const ctx = this.context(operator);
    const records: EvidenceRecord[] = [];
    const writes: ((entry: AppendedEntry) => void)[] = [];

    const { verifierKey } = this.ledger.key();
    if (!store.access.isSigningKeyRecorded(verifierKey)) {
      records.push(signingKeyRecord(ctx, verifierKey, `sha256:${sha256Hex(verifierKey)}`));
      writes.push((e) => store.access.recordSigningKey(verifierKey, e.index));
    }

    const recorded = new Map(store.access.trustedIssuers().map((r) => [r.issuer, r]));
    for (const issuer of issuers) {
      const facts = issuerFacts(issuer);
      const before = recorded.get(issuer.issuer);
      recorded.delete(issuer.issuer);
      if (before?.fingerprint === facts.fingerprint) continue;
      records.push(issuerTrustedRecord(ctx, facts, before !== undefined));
      writes.push((e) => store.access.setTrustedIssuer({ issuer: issuer.issuer, fingerprint: facts.fingerprint, entryIndex: e.index }));
    }
    for (const gone of recorded.values()) {
      records.push(issuerRemovedRecord(ctx, gone.issuer, gone.fingerprint));
      writes.push(() => store.access.removeTrustedIssuer(gone.issuer));
    }

    if (records.length === 0) return 0;
    await this.ledger.appendOwn(records, { alsoWrite: (entries) => writes.forEach((write, i) => write(entries[i]!)) });
    return records.length;
  }

  /** Registers (or replaces) `source`'s Ed25519 key; from the next entry on its records must be signed. */
  async registerSourceKey(actor: Identity, source: string, publicKey: Uint8Array): Promise<{ index: number }> {
    const record = sourceKeyRecord(this.context(actor), source, publicKey, `sha256:${toHex(createHash('sha256').update(publicKey).digest())}`);
    const result = await this.ledger.appendOwn([record], { keyChange: { source, publicKey } });
    return { index: result.entries[0]!.index };
  }

  private context(actor: Identity): AccessContext {
    return { controlId: this.settings.controlId, system: this.ledger.key().origin, occurredAt: formatTimestamp(this.ledger.clock()), actor };
  }
}

/** What identifies an issuer's configuration: its settings and, for a key file, the keys in it. */
export function issuerFacts(issuer: TrustedIssuer): IssuerFacts {
  const jwksDigest = issuer.keys.kind === 'file' ? sha256Hex(canonicalJson(issuer.keys.jwks)) : null;
  const identity = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwks: issuer.jwks,
    jwksDigest,
    source: issuer.source,
    role: issuer.role,
    maxLifetimeSeconds: issuer.maxLifetimeSeconds,
    clockSkewSeconds: issuer.clockSkewSeconds,
  };
  return { issuer: issuer.issuer, audience: issuer.audience, role: issuer.role, source: issuer.source, jwks: issuer.jwks, fingerprint: `sha256:${sha256Hex(canonicalJson(identity))}` };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
