/**
 * PostgreSQL's refusals as the store's errors, the way errors.ts treats SQLite's result codes:
 * the environment's faults (connection, shutdown, disk, serialization) become StoreErrors a
 * client may retry; a lost leadership is NOT_LEADER; constraint and trigger refusals stay as
 * they are (the caller wrote something the schema forbids). SQLSTATE classes:
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
import { StoreError } from '../errors.js';
import { PgRequestError } from './pg-connection.js';

const TRANSIENT_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources (disk full, out of memory, too many connections)
  '57', // operator intervention (shutdown, cancelled)
  '58', // system error (I/O)
  '40', // transaction rollback (serialization failure, deadlock)
  'HV',
]);
/** A read-only transaction or a hot standby refused a write. */
const READ_ONLY = '25006';

export function asPgStoreError(err: unknown, what: string): unknown {
  if (!(err instanceof PgRequestError)) return err;
  const code = err.code;
  if (code === 'LEDGER_NOT_LEADER') return new StoreError('NOT_LEADER', `${what}: ${err.message}`, { cause: err });
  if (code === 'LEDGER_NOT_DURABLE') return new StoreError('NOT_DURABLE', err.message, { cause: err });
  if (code === undefined || code === READ_ONLY || TRANSIENT_CLASSES.has(code.slice(0, 2)) || /^E[A-Z]+$/.test(code)) {
    // No SQLSTATE (or a socket errno such as ECONNREFUSED): the server could not be reached.
    return new StoreError('UNAVAILABLE', `${what}: ${err.message}`, { cause: err });
  }
  if (code === 'XX001' || code === 'XX002') return new StoreError('CORRUPT', `${what}: ${err.message}`, { cause: err });
  return err;
}
