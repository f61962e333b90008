/**
 * The records the ledger appends about its own access control (README, "The ledger's own
 * access as evidence"): tokens issued, revoked and expired, trusted issuers added, changed and
 * removed, the checkpoint key in use, and source signing keys registered. They are ordinary
 * version 1 records, so an auditor tests the ledger's own ITGC with the ledger's own reports.
 *
 * Every such entry carries `source: "ledger:self"`; the `ledger:` prefix is reserved (no token,
 * no issuer template and no append may use it), so a verifier can trust that an entry with that
 * source was made by the ledger itself. Pure: verifiers read source-key registrations from here.
 */
import { fromBase64, toBase64 } from '../crypto/bytes.js';
import type { EntryEnvelope } from './envelope.js';
import type { EvidenceRecord, Identity } from './record.js';

/** The `source` of every entry the ledger makes about itself. */
export const LEDGER_SOURCE = 'ledger:self';
/** Sources under this prefix are the ledger's alone. */
export const RESERVED_SOURCE_PREFIX = 'ledger:';
/** The default control id of the ledger's own access control (LEDGER_ACCESS_CONTROL_ID). */
export const DEFAULT_ACCESS_CONTROL_ID = 'LEDGER-AC-01';

/** LEDGER_TOKEN_TTL_DAYS: a token issued without an expiry gets this one; no credential is long-lived by accident. */
export const DEFAULT_TOKEN_TTL_DAYS = 90;
/** LEDGER_DEV_TOKEN_TTL_DAYS: the first start's development tokens are for trying the ledger out. */
export const DEFAULT_DEV_TOKEN_TTL_DAYS = 7;

/** `details.action` of each kind of access record: what reports and verifiers select on. */
export const ACCESS_ACTIONS = {
  tokenIssued: 'token_issued',
  tokenRevoked: 'token_revoked',
  tokenExpired: 'token_expired',
  issuerTrusted: 'trusted_issuer_added',
  issuerChanged: 'trusted_issuer_changed',
  issuerRemoved: 'trusted_issuer_removed',
  signingKeyInUse: 'signing_key_in_use',
  sourceKeyRegistered: 'source_signing_key_registered',
} as const;

export function isLedgerSource(source: string): boolean {
  return source.startsWith(RESERVED_SOURCE_PREFIX);
}

/** Where every access record is filed: the control id and the system (the log's origin). */
export interface AccessContext {
  controlId: string;
  system: string;
  /** RFC 3339 time of the action. */
  occurredAt: string;
  /** The admin (or operator) who did it. */
  actor: Identity;
}

/** The ledger acting by itself (an expiry passing): the actor of records no person caused. */
export const LEDGER_ACTOR: Identity = Object.freeze({ id: LEDGER_SOURCE, kind: 'system' });

const base = (c: AccessContext) => ({ controlId: c.controlId, system: c.system, actor: c.actor, occurredAt: c.occurredAt });

export interface TokenFacts {
  tokenId: string;
  role: string;
  /** The source the token writes as (its holder). */
  source: string;
  expiresAt: string;
}

export function tokenIssuedRecord(c: AccessContext, t: TokenFacts): EvidenceRecord {
  return {
    type: 'credential_issuance',
    ...base(c),
    subject: { id: t.source, kind: 'api_key' },
    credentialId: t.tokenId,
    credentialType: 'api_key',
    expiresAt: t.expiresAt,
    ephemeral: false,
    details: { action: ACCESS_ACTIONS.tokenIssued, role: t.role },
  };
}

export function tokenRevokedRecord(c: AccessContext, t: Omit<TokenFacts, 'expiresAt'>): EvidenceRecord {
  return {
    type: 'revocation',
    ...base(c),
    subject: { id: t.source, kind: 'api_key' },
    credentialId: t.tokenId,
    entitlement: `ledger-role:${t.role}`,
    reason: 'revoked by an administrator',
    details: { action: ACCESS_ACTIONS.tokenRevoked, role: t.role },
  };
}

/** Recorded by the ledger once it sees the expiry pass; `scheduledAt` is the expiry, so any lag shows. */
export function tokenExpiredRecord(c: Omit<AccessContext, 'actor'>, t: TokenFacts): EvidenceRecord {
  return {
    type: 'revocation',
    ...base({ ...c, actor: LEDGER_ACTOR }),
    subject: { id: t.source, kind: 'api_key' },
    credentialId: t.tokenId,
    entitlement: `ledger-role:${t.role}`,
    reason: 'expired',
    scheduledAt: t.expiresAt,
    details: { action: ACCESS_ACTIONS.tokenExpired, role: t.role },
  };
}

/** What the log shows of a trusted issuer: never its keys, only where they are found. */
export interface IssuerFacts {
  issuer: string;
  audience: string;
  role: string;
  source: string;
  jwks: string;
  /** `sha256:<hex>` of the issuer's canonical configuration (the digest form). */
  fingerprint: string;
}

export function issuerTrustedRecord(c: AccessContext, i: IssuerFacts, changed: boolean): EvidenceRecord {
  return {
    type: 'change',
    ...base(c),
    subject: { id: i.issuer, kind: 'workload' },
    changeId: `trusted-issuer/${i.fingerprint}`,
    environment: c.system,
    details: {
      action: changed ? ACCESS_ACTIONS.issuerChanged : ACCESS_ACTIONS.issuerTrusted,
      issuer: i.issuer,
      audience: i.audience,
      role: i.role,
      sourceTemplate: i.source,
      jwks: i.jwks,
      fingerprint: i.fingerprint,
    },
  };
}

export function issuerRemovedRecord(c: AccessContext, issuer: string, fingerprint: string): EvidenceRecord {
  return {
    type: 'revocation',
    ...base(c),
    subject: { id: issuer, kind: 'workload' },
    entitlement: `ledger-trusted-issuer:${issuer}`,
    reason: 'removed from LEDGER_OIDC',
    details: { action: ACCESS_ACTIONS.issuerRemoved, issuer, fingerprint },
  };
}

/**
 * `keyDigest` is `sha256:<hex>` of the verifier key text. The verifier key is public (GET /v1/key);
 * its member is named `verifier`, not `...Key`, since members named like a key may hold only digests.
 */
export function signingKeyRecord(c: AccessContext, verifierKey: string, keyDigest: string): EvidenceRecord {
  return {
    type: 'change',
    ...base(c),
    subject: { id: c.system, kind: 'system' },
    changeId: `signing-key/${keyDigest}`,
    environment: c.system,
    details: { action: ACCESS_ACTIONS.signingKeyInUse, verifier: verifierKey },
  };
}

/** The public key is `details.ed25519Public` (standard base64 of 32 bytes); `keyDigest` is `sha256:<hex>` of those bytes. */
export function sourceKeyRecord(c: AccessContext, source: string, publicKey: Uint8Array, keyDigest: string): EvidenceRecord {
  return {
    type: 'change',
    ...base(c),
    subject: { id: source, kind: 'workload' },
    changeId: `source-signing-key/${keyDigest}`,
    environment: c.system,
    details: { action: ACCESS_ACTIONS.sourceKeyRegistered, source, algorithm: 'ed25519', ed25519Public: toBase64(publicKey) },
  };
}

/**
 * The source-key registration an entry makes, if it is one: from the next entry on, that
 * source's records must carry a signature verifying under that key (README, "Signed submissions").
 */
export function sourceKeyRegistration(entry: EntryEnvelope): { source: string; publicKey: Uint8Array } | undefined {
  if (entry.source !== LEDGER_SOURCE || entry.record.type !== 'change') return undefined;
  const d = entry.record.details;
  if (!d || d.action !== ACCESS_ACTIONS.sourceKeyRegistered || d.algorithm !== 'ed25519') return undefined;
  if (typeof d.source !== 'string' || typeof d.ed25519Public !== 'string') return undefined;
  const publicKey = fromBase64(d.ed25519Public);
  return publicKey?.length === 32 ? { source: d.source, publicKey } : undefined;
}
