/**
 * Proleptic Gregorian calendar arithmetic on whole days since 1970-01-01 (UTC), the calendar
 * RFC 3339 §5.7 and Appendix C assume. Done with integers instead of `Date` because
 * `Date.UTC` maps years 0..99 to 1900..1999, and because every period boundary is a midnight,
 * so a day count is the natural unit.
 */

/** Milliseconds in a UTC day; UTC as used here (POSIX time) has no leap seconds. */
export const DAY_MS = 86_400_000;

export interface CivilDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

/** Floor modulo: the result has the sign of `n`, so negative instants fall in the right bucket. */
export function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** RFC 3339 Appendix C: divisible by 4, except centuries not divisible by 400. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

/** True when the triple names a real day (month 1..12, day within that month). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/*
 * The two conversions below are H. Hinnant's "days_from_civil" / "civil_from_days"
 * (chrono-Compatible Low-Level Date Algorithms): count in 400-year eras of 146097 days,
 * with years starting on March 1 so the leap day is the last day of the year.
 */
const DAYS_PER_ERA = 146_097;
/** Days from 0000-03-01 to 1970-01-01. */
const EPOCH_SHIFT = 719_468;

/** Days since 1970-01-01 of a civil date (negative before it). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT;
}

/** Civil date of a day count since 1970-01-01. */
export function civilFromDays(days: number): CivilDate {
  const z = days + EPOCH_SHIFT;
  const era = Math.floor(z / DAYS_PER_ERA);
  const dayOfEra = z - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/**
 * A month as one integer, `year * 12 + (month - 1)`, so months (and quarters and years built
 * from them) are stepped by adding instead of by calendar carry rules.
 */
export function monthIndexOf(year: number, month: number): number {
  return year * 12 + (month - 1);
}

/** Epoch ms of midnight UTC on the first day of the month with that month index. */
export function startOfMonthIndex(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  return daysFromCivil(year, mod(monthIndex, 12) + 1, 1) * DAY_MS;
}

/** Month index of the month containing the instant `t` (epoch ms). */
export function monthIndexAt(t: number): number {
  const { year, month } = civilFromDays(Math.floor(t / DAY_MS));
  return monthIndexOf(year, month);
}
