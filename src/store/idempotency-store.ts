/** Idempotency keys, scoped to a source, written in the same transaction as their entries. */
import type { Db } from './db.js';

export interface IdempotencyRow {
  source: string;
  key: string;
  requestHash: Uint8Array;
  firstIndex: number;
  count: number;
  createdAt: string;
}

export class IdempotencyStore {
  private readonly insert;
  private readonly select;

  constructor(db: Db) {
    this.insert = db.prepare(`INSERT INTO idempotency (source, key, request_hash, first_index, count, created_at)
      VALUES (@source, @key, @requestHash, @firstIndex, @count, @createdAt)`);
    this.select = db.prepare(`SELECT source, key, request_hash AS requestHash, first_index AS firstIndex, count,
      created_at AS createdAt FROM idempotency WHERE source = ? AND key = ?`);
  }

  add(row: IdempotencyRow): void {
    this.insert.run(row);
  }

  find(source: string, key: string): IdempotencyRow | undefined {
    const raw = this.select.get(source, key) as (IdempotencyRow & { requestHash: Buffer }) | undefined;
    return raw && { ...raw, requestHash: new Uint8Array(raw.requestHash) };
  }
}
