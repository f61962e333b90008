/** `s` cut at the given offsets (taken modulo its length + 1): every way a stream may arrive. */
export function cut(s: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (s.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(s.slice(from, p));
    from = p;
  }
  return [...out, s.slice(from)];
}
