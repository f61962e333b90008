/**
 * VACUUM after a redaction, until it has really removed the old row versions. A redaction's
 * UPDATE leaves the leaf's previous version as a dead tuple, and VACUUM may remove it only once no
 * snapshot can still see it (https://www.postgresql.org/docs/15/routine-vacuuming.html): a
 * transaction that began before the redaction (a long report, an idle-in-transaction session,
 * another schema's reader in the same database) holds it back, and a single VACUUM then leaves
 * the removed values on disk until autovacuum happens to come by.
 *
 * So VACUUM runs again, with backoff, until PostgreSQL's own count of the tables' dead row
 * versions is zero (`n_dead_tup`, which VACUUM sets to those it could not remove yet; the two
 * tables are otherwise append-only, so every dead version there is a redaction's), and says what
 * holds it back. Only a table's owner may VACUUM it: under the restricted role of grants.sql the
 * step is skipped with a message for the operator rather than retried for nothing.
 */

/** The slice of a node-postgres client this needs. */
export interface MaintenanceSession {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface VacuumSchedule {
  /** First wait before VACUUM runs again, doubled each time up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** After this long the operator is told to run it, and the retries stop. */
  giveUpMs: number;
}

export const DEFAULT_VACUUM_SCHEDULE: VacuumSchedule = { firstDelayMs: 500, maxDelayMs: 30_000, giveUpMs: 15 * 60_000 };

const TABLES = ['entries', 'entry_search'] as const;
const VACUUM = `VACUUM ${TABLES.join(', ')}`;
const OWNS_TABLES = `SELECT coalesce(bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), false) AS "owns"
  FROM pg_class c WHERE c.oid IN (${TABLES.map((t) => `'${t}'::regclass`).join(', ')})`;
const DEAD_ROW_VERSIONS = `SELECT coalesce(sum(n_dead_tup), 0)::int AS "dead" FROM pg_stat_user_tables
  WHERE schemaname = current_schema() AND relname IN (${TABLES.map((t) => `'${t}'`).join(', ')})`;

export type VacuumOutcome = 'clean' | 'not-owner' | 'gave-up' | 'stopped';

/** What maintenance tells the operator: `warn` asks for attention, `info` says it resolved. */
export type MaintenanceLevel = 'warn' | 'info';

/**
 * Runs VACUUM on `session` until no dead row version is left (see the module comment), telling
 * `report` when it is held back, skipped or given up, and once it succeeds after being held back.
 */
export async function vacuumUntilClean(
  session: MaintenanceSession,
  report: (message: string, level: MaintenanceLevel) => void,
  { schedule = DEFAULT_VACUUM_SCHEDULE, sleep = defaultSleep, stopped = () => false }: { schedule?: VacuumSchedule; sleep?: (ms: number) => Promise<void>; stopped?: () => boolean } = {},
): Promise<VacuumOutcome> {
  const owns = (await session.query(OWNS_TABLES)).rows[0]?.owns === true;
  if (!owns) {
    report(`${VACUUM} skipped: only the tables' owner may run it, and the service's role does not own them; run it as the owner after a redaction (autovacuum gets there too, later)`, 'warn');
    return 'not-owner';
  }
  const started = Date.now();
  let delay = schedule.firstDelayMs;
  let heldBack = false;
  for (;;) {
    await session.query(VACUUM);
    const dead = Number((await session.query(DEAD_ROW_VERSIONS)).rows[0]?.dead ?? 0);
    if (dead === 0) {
      if (heldBack) report(`${VACUUM} has removed the redacted row versions`, 'info');
      return 'clean';
    }
    if (Date.now() - started >= schedule.giveUpMs) {
      report(`${VACUUM} still leaves ${dead} dead row versions after ${Math.round(schedule.giveUpMs / 60_000)} min: a transaction older than the redaction is still open (pg_stat_activity, oldest xact_start); end it, then run ${VACUUM}`, 'warn');
      return 'gave-up';
    }
    if (!heldBack) {
      report(`${VACUUM} left ${dead} dead row versions that a transaction older than the redaction can still see; retrying until it ends`, 'warn');
      heldBack = true;
    }
    await sleep(delay);
    if (stopped()) return 'stopped';
    delay = Math.min(delay * 2, schedule.maxDelayMs);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
