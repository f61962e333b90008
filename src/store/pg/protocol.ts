/**
 * Messages between the store (main thread) and its PostgreSQL thread (pg-worker.ts). The main
 * thread sends one request and blocks until its answer (pg-connection.ts); `id` pairs them so a
 * late answer to a request that timed out is never taken for the next one's.
 */
import type { MessagePort } from 'node:worker_threads';
import type { MaintenanceLevel } from './redaction-vacuum.js';

export type Params = readonly unknown[];

export type Request =
  | { op: 'connect' }
  /** One statement on the main session. `array`: rows as arrays (pluck), else objects. */
  | { op: 'query'; sql: string; params: Params; array: boolean }
  /** Several statements without parameters in one round trip (migrations). */
  | { op: 'exec'; sql: string }
  /** BEGIN on the main session; `write` transactions are fenced when this instance leads. */
  | { op: 'begin'; write: boolean }
  | { op: 'commit' }
  | { op: 'rollback' }
  /** Opens a cursor: in the open transaction of the main session, else on a session of its own. */
  | { op: 'cursor-open'; sql: string; params: Params; array: boolean }
  | { op: 'cursor-fetch'; cursor: number; rows: number }
  | { op: 'cursor-close'; cursor: number }
  /** Tries to become the only sequencer (see Store.tryLead). */
  | { op: 'lead'; holder: string; url: string | null; startedAt: string }
  /** Starts VACUUM after a redaction (redaction-vacuum.ts) on a session of its own and answers at once; what happens comes as events. */
  | { op: 'vacuum-redacted' }
  | { op: 'close' };

export interface WireError {
  message: string;
  /** SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html), or ours: LEDGER_NOT_LEADER, LEDGER_CONNECTION. */
  code?: string;
  detail?: string;
}

export type Response =
  | { ok: true; rows?: unknown[]; changes?: number; cursor?: number; done?: boolean; term?: LeaderTermWire | null }
  | { ok: false; error: WireError };

export interface LeaderTermWire {
  term: number;
  holder: string;
  url: string | null;
  startedAt: string;
}

/** What the worker tells the main thread unasked (on the worker's parent port). */
export type WorkerEvent = { event: 'leadership-lost'; reason: string } | { event: 'maintenance'; message: string; level: MaintenanceLevel };

export interface WorkerData {
  url: string;
  /** Int32 slot the worker sets to 1 (and notifies) when an answer is waiting on the port. */
  flag: SharedArrayBuffer;
  port: MessagePort;
  /** Advisory lock key of the sequencer's lock. */
  lockKey: string;
}
