/**
 * How time is cut into periods of each kind: every period is an ordinal of its kind (days
 * since 1970-01-01, or a count of months, fiscal quarters or fiscal years from year 0), so
 * stepping to the next period is adding one, and bounds and ids are computed from it.
 * Month-based kinds count on a month index shifted by the fiscal start (contract, "Periods").
 */
import {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  mod,
  monthIndexAt,
  monthIndexOf,
  startOfMonthIndex,
} from './period-calendar.js';

export type PeriodKind = 'day' | 'month' | 'quarter' | 'year';

/** Every kind, in the order periods that end at the same instant are listed (shortest first). */
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'month', 'quarter', 'year'];

export interface Period {
  /** `2026-09-30`, `2026-09`, `2026-Q3` or `FY2026`. */
  id: string;
  kind: PeriodKind;
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive: the instant the period closes. */
  end: number;
}

/** Years a period id may name: from the Unix epoch to the last four-digit year. */
export const MIN_ID_YEAR = 1970;
export const MAX_ID_YEAR = 9999;

/**
 * How many months a fiscal month index runs ahead of the calendar one: with start month 7,
 * calendar 2025-07 is month 0 of FY2026, six months ahead.
 */
function fiscalShift(fiscalStartMonth: number): number {
  return (13 - fiscalStartMonth) % 12;
}

/** Months per period and the shift of its month count, for the month-based kinds. */
function monthGrid(kind: Exclude<PeriodKind, 'day'>, fsm: number): { months: number; shift: number } {
  if (kind === 'month') return { months: 1, shift: 0 };
  return { months: kind === 'quarter' ? 3 : 12, shift: fiscalShift(fsm) };
}

/** Ordinal of the period of `kind` containing instant `t`; no range check. */
export function ordinalAt(kind: PeriodKind, t: number, fsm: number): number {
  if (kind === 'day') return Math.floor(t / DAY_MS);
  const { months, shift } = monthGrid(kind, fsm);
  return Math.floor((monthIndexAt(t) + shift) / months);
}

/** Ordinals whose ids have years MIN_ID_YEAR..MAX_ID_YEAR. */
export function ordinalRange(kind: PeriodKind): { min: number; max: number } {
  switch (kind) {
    case 'day':
      return { min: daysFromCivil(MIN_ID_YEAR, 1, 1), max: daysFromCivil(MAX_ID_YEAR, 12, 31) };
    case 'month':
      return { min: monthIndexOf(MIN_ID_YEAR, 1), max: monthIndexOf(MAX_ID_YEAR, 12) };
    case 'quarter':
      return { min: MIN_ID_YEAR * 4, max: MAX_ID_YEAR * 4 + 3 };
    case 'year':
      return { min: MIN_ID_YEAR, max: MAX_ID_YEAR };
  }
}

/** Zero-pads a year, month or day for an id. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The period of `kind` with this ordinal; `fsm` must already be validated. */
export function periodOf(kind: PeriodKind, ordinal: number, fsm: number): Period {
  if (kind === 'day') {
    const { year, month, day } = civilFromDays(ordinal);
    const id = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    return { id, kind, start: ordinal * DAY_MS, end: (ordinal + 1) * DAY_MS };
  }
  const { months, shift } = monthGrid(kind, fsm);
  const start = startOfMonthIndex(ordinal * months - shift);
  const end = startOfMonthIndex((ordinal + 1) * months - shift);
  let id: string;
  if (kind === 'month') id = `${pad(Math.floor(ordinal / 12), 4)}-${pad(mod(ordinal, 12) + 1, 2)}`;
  else if (kind === 'quarter') id = `${pad(Math.floor(ordinal / 4), 4)}-Q${mod(ordinal, 4) + 1}`;
  else id = `FY${pad(ordinal, 4)}`;
  return { id, kind, start, end };
}
