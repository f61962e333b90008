/**
 * Times as the report rules compare them (contract, "Control reports"): instants at millisecond
 * precision, fractional seconds beyond milliseconds dropped (truncated, not rounded). Parsed by
 * hand rather than with Date.parse, whose handling of long fractions and offsets is not the same
 * in every engine: a report must come out the same in the server and in any browser.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Epoch milliseconds of an RFC 3339 date-time (as record validation accepts them); throws on anything else. */
export function instantMs(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) throw new Error(`not an RFC 3339 date-time: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac, zone, sign, oh, om] = m;
  const ms = frac === undefined ? 0 : Number((frac + '00').slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return date.getTime() - offset;
}
