/** Small, explicit edits an attacker (or a broken producer) could make to a bundle. */
import type { BundleReport } from '../../src/verify/index.js';

export const clone = <T>(value: T): T => structuredClone(value);

/** Flips the lowest bit of the hex digit at `at` (default: the first). */
export function flipHex(hex: string, at = 0): string {
  const digit = parseInt(hex[at]!, 16) ^ 1;
  return hex.slice(0, at) + digit.toString(16) + hex.slice(at + 1);
}

/** Flips the lowest bit of byte `at` of base64 data. */
export function flipBase64Byte(b64: string, at: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = bytes[at]! ^ 1;
  return bytes.toString('base64');
}

/** Every problem code in a report, bundle-level and per entry. */
export function codesOf(report: BundleReport): Set<string> {
  const codes = new Set(report.problems.map((p) => p.code));
  for (const e of report.entries) for (const p of e.problems) codes.add(p.code);
  return codes;
}

/** Problem codes of the entry with `index`. */
export function entryCodes(report: BundleReport, index: number): string[] {
  return report.entries.filter((e) => e.index === index).flatMap((e) => e.problems.map((p) => p.code));
}
