/**
 * Reporting periods (contract, "Periods"): calendar days and months, fiscal quarters and
 * years, all as half-open UTC intervals [start, end) in epoch milliseconds.
 *
 * Fiscal years start on the first day of `fiscalStartMonth` (LEDGER_FISCAL_YEAR_START) and
 * are named for the calendar year they END in: with start month 7, FY2026 is
 * [2025-07-01, 2026-07-01) and 2026-Q1 is [2025-07-01, 2025-10-01). With start month 1
 * both are the calendar ones.
 *
 * The ordinal arithmetic behind ids and bounds lives in `period-grid.ts`.
 */
import { DAY_MS, daysFromCivil, isRealDate, monthIndexOf } from './period-calendar.js';
import {
  MAX_ID_YEAR,
  MIN_ID_YEAR,
  PERIOD_KINDS,
  ordinalAt,
  ordinalRange,
  pad,
  periodOf,
  type Period,
  type PeriodKind,
} from './period-grid.js';
import { parseRfc3339 } from './period-rfc3339.js';

export { PERIOD_KINDS, type Period, type PeriodKind } from './period-grid.js';
export { parseRfc3339 } from './period-rfc3339.js';

/** Default first month of the fiscal year: January, so quarters and years are calendar ones. */
export const FISCAL_YEAR_START_DEFAULT = 1;

/** ECMAScript's Date range (±10^8 days); beyond it the calendar arithmetic loses meaning. */
const MAX_ABS_TIME_MS = 8.64e15;

export type PeriodErrorCode =
  | 'MALFORMED_PERIOD'
  | 'INVALID_FISCAL_START_MONTH'
  | 'INVALID_TIME'
  | 'OUT_OF_RANGE';

export class PeriodError extends Error {
  override readonly name = 'PeriodError';
  constructor(
    readonly code: PeriodErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Returns `n` when it is a whole month number 1..12; throws `INVALID_FISCAL_START_MONTH`. */
export function validateFiscalStartMonth(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 12) {
    throw new PeriodError(
      'INVALID_FISCAL_START_MONTH',
      `fiscal year start month must be an integer from 1 to 12, got ${String(n)}`,
    );
  }
  return n;
}

function periodInRange(kind: PeriodKind, ordinal: number, fsm: number, what: string): Period {
  const { min, max } = ordinalRange(kind);
  if (ordinal < min || ordinal > max) {
    throw new PeriodError(
      'OUT_OF_RANGE',
      `${what}: ${kind} periods are named only for years ${MIN_ID_YEAR} to ${MAX_ID_YEAR}`,
    );
  }
  return periodOf(kind, ordinal, fsm);
}

const DAY_ID = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_ID = /^(\d{4})-(\d{2})$/;
const QUARTER_ID = /^(\d{4})-Q([1-4])$/;
const YEAR_ID = /^FY(\d{4})$/;

function malformed(id: unknown, reason: string): PeriodError {
  const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 40)) : typeof id;
  return new PeriodError('MALFORMED_PERIOD', `malformed period id ${shown}: ${reason}`);
}

/** Days and months are calendar ones, so an id maps to an ordinal whatever the fiscal start. */
function parseOrdinal(id: string): { kind: PeriodKind; ordinal: number } {
  const match =
    DAY_ID.exec(id) ?? MONTH_ID.exec(id) ?? QUARTER_ID.exec(id) ?? YEAR_ID.exec(id);
  if (match === null) {
    throw malformed(id, 'expected YYYY-MM-DD, YYYY-MM, YYYY-Q1..YYYY-Q4 or FYYYYY');
  }
  const year = Number(match[1]);
  if (year < MIN_ID_YEAR || year > MAX_ID_YEAR) {
    throw malformed(id, `year must be from ${MIN_ID_YEAR} to ${MAX_ID_YEAR}`);
  }
  if (YEAR_ID.test(id)) return { kind: 'year', ordinal: year };
  if (QUARTER_ID.test(id)) return { kind: 'quarter', ordinal: year * 4 + Number(match[2]) - 1 };
  const month = Number(match[2]);
  if (month < 1 || month > 12) throw malformed(id, 'month must be from 01 to 12');
  if (MONTH_ID.test(id)) return { kind: 'month', ordinal: monthIndexOf(year, month) };
  const day = Number(match[3]);
  if (!isRealDate(year, month, day)) throw malformed(id, `${year}-${pad(month, 2)} has no day ${match[3]}`);
  return { kind: 'day', ordinal: daysFromCivil(year, month, day) };
}

/** The period an id names; throws `MALFORMED_PERIOD` with the reason. */
export function parsePeriodId(id: string, fiscalStartMonth: number): Period {
  const fsm = validateFiscalStartMonth(fiscalStartMonth);
  if (typeof id !== 'string') throw malformed(id, 'not a string');
  const { kind, ordinal } = parseOrdinal(id);
  return periodOf(kind, ordinal, fsm);
}

function checkTime(t: number, what: string): void {
  if (typeof t !== 'number' || Number.isNaN(t)) {
    throw new PeriodError('INVALID_TIME', `${what} is not a number of epoch milliseconds`);
  }
}

/** The period of `kind` with start <= t < end. Throws `OUT_OF_RANGE` outside years 1970..9999. */
export function periodContaining(kind: PeriodKind, t: number, fiscalStartMonth: number): Period {
  const fsm = validateFiscalStartMonth(fiscalStartMonth);
  checkTime(t, 'instant');
  if (!(Math.abs(t) <= MAX_ABS_TIME_MS)) {
    throw new PeriodError('OUT_OF_RANGE', `instant ${t} is outside the representable time range`);
  }
  return periodInRange(kind, ordinalAt(kind, t, fsm), fsm, `instant ${t}`);
}

/** Re-derives `p` from its id, so a period built under another fiscal start is caught. */
function ordinalOfPeriod(p: Period, fsm: number): number {
  const { kind, ordinal } = parseOrdinal(p.id);
  const expected = periodOf(kind, ordinal, fsm);
  if (kind !== p.kind || expected.start !== p.start || expected.end !== p.end) {
    throw malformed(p.id, `kind or bounds differ from the id's with fiscal start month ${fsm}`);
  }
  return ordinal;
}

/** The period of the same kind that starts at `p.end`. */
export function nextPeriod(p: Period, fiscalStartMonth: number): Period {
  const fsm = validateFiscalStartMonth(fiscalStartMonth);
  return periodInRange(p.kind, ordinalOfPeriod(p, fsm) + 1, fsm, `period after ${p.id}`);
}

/** The period of the same kind that ends at `p.start`. */
export function previousPeriod(p: Period, fiscalStartMonth: number): Period {
  const fsm = validateFiscalStartMonth(fiscalStartMonth);
  return periodInRange(p.kind, ordinalOfPeriod(p, fsm) - 1, fsm, `period before ${p.id}`);
}

/**
 * Every period (of `kinds`, default all) whose end lies in (after, upTo], ordered by end,
 * then day, month, quarter, year. A checkpointer closes periods with it, on its cadence and
 * at start-up after downtime; the work is linear in the number of periods returned.
 * Bounds outside years 1970..9999 are clamped to the periods that have ids.
 */
export function periodsEndedBetween(
  after: number,
  upTo: number,
  fiscalStartMonth: number,
  kinds: readonly PeriodKind[] = PERIOD_KINDS,
): Period[] {
  const fsm = validateFiscalStartMonth(fiscalStartMonth);
  checkTime(after, 'after');
  checkTime(upTo, 'upTo');
  const ended: Period[] = [];
  for (const kind of PERIOD_KINDS.filter((k) => kinds.includes(k))) {
    const { min, max } = ordinalRange(kind);
    let ordinal: number;
    if (after < periodOf(kind, min, fsm).start) ordinal = min;
    else if (after >= periodOf(kind, max, fsm).end) continue;
    else ordinal = ordinalAt(kind, after, fsm); // its end is > after
    for (; ordinal <= max; ordinal++) {
      const p = periodOf(kind, ordinal, fsm);
      if (p.end > upTo) break;
      ended.push(p);
    }
  }
  const rank = (k: PeriodKind): number => PERIOD_KINDS.indexOf(k);
  return ended.sort((a, b) => a.end - b.end || rank(a.kind) - rank(b.kind));
}

/**
 * Contract, `GET /v1/entries/{index}`: an entry is late when its `occurredAt` lies in an
 * earlier fiscal quarter than its `receivedAt`. Both are RFC 3339 date-times, offsets
 * honoured; throws `INVALID_TIME` when either is not one.
 */
export function isLate(occurredAt: string, receivedAt: string, fiscalStartMonth: number): boolean {
  const fsm = validateFiscalStartMonth(fiscalStartMonth);
  const occurred = parseRfc3339(occurredAt);
  const received = parseRfc3339(receivedAt);
  if (occurred === undefined) throw new PeriodError('INVALID_TIME', 'occurredAt is not an RFC 3339 date-time');
  if (received === undefined) throw new PeriodError('INVALID_TIME', 'receivedAt is not an RFC 3339 date-time');
  // Quarter ordinals order exactly as quarter starts do, for any year RFC 3339 can write.
  return ordinalAt('quarter', occurred, fsm) < ordinalAt('quarter', received, fsm);
}
