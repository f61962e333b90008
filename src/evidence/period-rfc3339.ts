/**
 * Strict RFC 3339 §5.6 `date-time` parsing to epoch milliseconds (UTC).
 * `Date.parse` is not used: it accepts many non-RFC forms, rolls Feb 30 over to March in
 * some engines, and reads years 0..99 as 19xx.
 */
import { DAY_MS, daysFromCivil, isRealDate } from './period-calendar.js';

/*
 * full-date "T" partial-time time-offset, with "t" and "z" allowed in lower case
 * (RFC 3339 §5.6 NOTE). Groups: year, month, day, hour, minute, second, fraction digits,
 * then either Z/z or the offset's sign, hours, minutes.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

/**
 * Epoch ms of an RFC 3339 date-time, or undefined when `text` is not one.
 *
 * - Dates must be real (no Feb 30, Feb 29 only in leap years); hour 00-23, minute 00-59.
 * - A fraction of any length is truncated to milliseconds, never rounded: rounding
 *   23:59:59.9995 up would move an instant into the next day, month or quarter.
 * - Second 60 (a leap second, RFC 3339 §5.7) is rejected: epoch milliseconds (POSIX time)
 *   cannot represent it, and mapping it to a neighbouring second would misstate the evidence.
 * - `-00:00` (RFC 3339 §4.3, "offset unknown") denotes the same instant as `Z`.
 */
export function parseRfc3339(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText] = m;
  const [fractionText, sign, offsetHourText, offsetMinuteText] = [m[7], m[8], m[9], m[10]];

  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (!isRealDate(year, month, day)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;

  let offsetMs = 0;
  if (sign !== undefined) {
    const offsetHour = Number(offsetHourText);
    const offsetMinute = Number(offsetMinuteText);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMs = (sign === '-' ? -1 : 1) * (offsetHour * HOUR_MS + offsetMinute * MINUTE_MS);
  }

  const millis = fractionText === undefined ? 0 : Number(fractionText.slice(0, 3).padEnd(3, '0'));
  const localMs =
    daysFromCivil(year, month, day) * DAY_MS +
    hour * HOUR_MS +
    minute * MINUTE_MS +
    second * SECOND_MS +
    millis;
  // Local time = UTC + offset (RFC 3339 §4.2), so UTC = local - offset.
  return localMs - offsetMs;
}
