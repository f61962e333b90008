/** The shape of a stored entry and of a listing filter, shared by the log store and its queries. */

/** One stored entry: the exact leaf bytes plus copies of fields used by queries. */
export interface EntryRow {
  index: number;
  leaf: Uint8Array;
  leafHash: Uint8Array;
  receivedAt: string;
  source: string;
  type: string;
  controlId: string;
  system: string;
  actorId: string;
  subjectId: string;
  occurredAt: string;
}

export interface EntryFilter {
  type?: string;
  controlId?: string;
  system?: string;
  actorId?: string;
  subjectId?: string;
  source?: string;
  /** receivedAt >= this RFC 3339 UTC ms string */
  receivedFrom?: string;
  /** receivedAt < this RFC 3339 UTC ms string */
  receivedBefore?: string;
  /** only entries with index > afterIndex (pagination cursor) */
  afterIndex?: number;
  /** only entries with index < beforeIndex (e.g. a period-close tree size) */
  beforeIndex?: number;
}

/** The entries columns as EntryRow properties; `table` qualifies them in a join. */
export function entryColumns(table = ''): string {
  const t = table ? `${table}.` : '';
  return `${t}idx AS "index", ${t}leaf AS leaf, ${t}leaf_hash AS leafHash, ${t}received_at AS receivedAt,
    ${t}source AS source, ${t}type AS type, ${t}control_id AS controlId, ${t}system AS system,
    ${t}actor_id AS actorId, ${t}subject_id AS subjectId, ${t}occurred_at AS occurredAt`;
}

export function toEntryRow(raw: unknown): EntryRow {
  const r = raw as EntryRow & { leaf: Buffer; leafHash: Buffer };
  return { ...r, leaf: new Uint8Array(r.leaf), leafHash: new Uint8Array(r.leafHash) };
}
