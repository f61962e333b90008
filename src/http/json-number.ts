/**
 * Whether a JSON number survives being stored. Records are kept as RFC 8785 canonical JSON, which
 * writes a number as ECMAScript's shortest round-trip form of the double it parses to: `1e-400`
 * would become `0`, `-0` would become `0`, 9007199254740993 would become 9007199254740992. Evidence
 * must mean what was sent, so such a number is refused rather than silently changed. Decimal
 * spellings of the same value (`1.0`, `1e0`, `10e-1`) are the same number and pass.
 */

/** RFC 8259 §6 number text, split into its parts. */
const PARTS = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** The exact decimal value of number text as (sign, significant digits, exponent), or undefined for zero. */
function decimal(text: string): { negative: boolean; digits: string; exponent: number } | undefined {
  const m = PARTS.exec(text);
  if (!m) throw new TypeError(`not JSON number text: ${text}`);
  const [, sign, int = '', frac = '', exp = '0'] = m;
  let digits = int + frac;
  let exponent = Number(exp) - frac.length;
  const lead = digits.search(/[1-9]/);
  if (lead < 0) return undefined;
  digits = digits.slice(lead);
  const trail = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trail);
  exponent += trail;
  return { negative: sign === '-', digits, exponent };
}

/**
 * Why the number `text` (valid RFC 8259 number text) cannot be stored as sent, or undefined when
 * the double it parses to writes back as the same decimal value.
 */
export function numberChangeProblem(text: string): string | undefined {
  const value = Number(text);
  if (!Number.isFinite(value)) return 'is out of range';
  const sent = decimal(text);
  if (value === 0) {
    if (sent !== undefined) return 'is too small for a double and would be stored as 0';
    return text.startsWith('-') ? 'is a negative zero, which would be stored as 0' : undefined;
  }
  const kept = decimal(String(value))!;
  if (sent === undefined) throw new Error(`unreachable: ${text} parsed to ${value}`);
  const same = sent.negative === kept.negative && sent.digits === kept.digits && sent.exponent === kept.exponent;
  return same ? undefined : `has more precision than a double holds and would be stored as ${String(value)}`;
}
