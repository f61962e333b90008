/**
 * State that follows the log entries recording the ledger's own access (migration
 * ledger_access): recorded token expiries, trusted issuers, signing keys, source signing keys.
 * Every write here runs inside the transaction that appends the entry it belongs to.
 */
import type { Db } from './db.js';

export interface TrustedIssuerRow {
  issuer: string;
  fingerprint: string;
  entryIndex: number;
}

export interface SourceKeyRow {
  source: string;
  publicKey: Uint8Array;
  entryIndex: number;
}

export interface ExpiredTokenRow {
  id: string;
  role: string;
  source: string;
  expiresAt: string;
}

export class AccessStore {
  private readonly insertExpiry;
  private readonly unrecordedExpired;
  private readonly issuers;
  private readonly upsertIssuer;
  private readonly deleteIssuer;
  private readonly signingKey;
  private readonly insertSigningKey;
  private readonly sourceKeys;
  private readonly upsertSourceKey;

  constructor(db: Db) {
    this.insertExpiry = db.prepare('INSERT INTO token_expiries (token_id, entry_index, recorded_at) VALUES (?, ?, ?)');
    this.unrecordedExpired = db.prepare(`SELECT id, role, source, expires_at AS expiresAt FROM tokens
      WHERE expires_at IS NOT NULL AND expires_at <= ? AND revoked_at IS NULL
        AND id NOT IN (SELECT token_id FROM token_expiries) ORDER BY expires_at, id LIMIT ?`);
    this.issuers = db.prepare('SELECT issuer, fingerprint, entry_index AS entryIndex FROM trusted_issuers ORDER BY issuer');
    this.upsertIssuer = db.prepare(`INSERT INTO trusted_issuers (issuer, fingerprint, entry_index) VALUES (?, ?, ?)
      ON CONFLICT (issuer) DO UPDATE SET fingerprint = excluded.fingerprint, entry_index = excluded.entry_index`);
    this.deleteIssuer = db.prepare('DELETE FROM trusted_issuers WHERE issuer = ?');
    this.signingKey = db.prepare('SELECT entry_index FROM recorded_signing_keys WHERE verifier_key = ?').pluck();
    this.insertSigningKey = db.prepare('INSERT INTO recorded_signing_keys (verifier_key, entry_index) VALUES (?, ?)');
    this.sourceKeys = db.prepare('SELECT source, public_key AS publicKey, entry_index AS entryIndex FROM source_keys ORDER BY source');
    this.upsertSourceKey = db.prepare(`INSERT INTO source_keys (source, public_key, entry_index) VALUES (?, ?, ?)
      ON CONFLICT (source) DO UPDATE SET public_key = excluded.public_key, entry_index = excluded.entry_index`);
  }

  /** Tokens expired at `nowText` (RFC 3339, sorts as text), unrevoked, whose expiry is not yet in the log. */
  expiredUnrecorded(nowText: string, limit: number): ExpiredTokenRow[] {
    return this.unrecordedExpired.all(nowText, limit) as ExpiredTokenRow[];
  }

  recordExpiry(tokenId: string, entryIndex: number, at: string): void {
    this.insertExpiry.run(tokenId, entryIndex, at);
  }

  trustedIssuers(): TrustedIssuerRow[] {
    return this.issuers.all() as TrustedIssuerRow[];
  }

  setTrustedIssuer(row: TrustedIssuerRow): void {
    this.upsertIssuer.run(row.issuer, row.fingerprint, row.entryIndex);
  }

  removeTrustedIssuer(issuer: string): void {
    this.deleteIssuer.run(issuer);
  }

  isSigningKeyRecorded(verifierKey: string): boolean {
    return this.signingKey.get(verifierKey) !== undefined;
  }

  recordSigningKey(verifierKey: string, entryIndex: number): void {
    this.insertSigningKey.run(verifierKey, entryIndex);
  }

  allSourceKeys(): SourceKeyRow[] {
    return (this.sourceKeys.all() as (SourceKeyRow & { publicKey: Buffer })[]).map((r) => ({ ...r, publicKey: new Uint8Array(r.publicKey) }));
  }

  setSourceKey(row: SourceKeyRow): void {
    this.upsertSourceKey.run(row.source, row.publicKey, row.entryIndex);
  }
}
