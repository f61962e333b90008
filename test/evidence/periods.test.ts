import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FISCAL_YEAR_START_DEFAULT,
  PeriodError,
  isLate,
  nextPeriod,
  parsePeriodId,
  parseRfc3339,
  periodContaining,
  periodsEndedBetween,
  previousPeriod,
  validateFiscalStartMonth,
  type Period,
  type PeriodKind,
} from '../../src/evidence/periods.js';

/*
 * Oracle for expected instants: the engine's own Date, parsing the ECMAScript date-time
 * string format (an independent implementation of the same Gregorian UTC calendar).
 * Every boundary below was worked out by hand as a calendar date first.
 */
const at = (iso: string): number => {
  const t = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(t)) throw new Error(`bad oracle date ${iso}`);
  return t;
};
const DAY = 86_400_000;
const KINDS: PeriodKind[] = ['day', 'month', 'quarter', 'year'];

function expectPeriodError(run: () => unknown, code: PeriodError['code']): PeriodError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(PeriodError);
    expect((e as PeriodError).code).toBe(code);
    return e as PeriodError;
  }
  throw new Error(`expected PeriodError ${code}, nothing was thrown`);
}

const bounds = (p: Period): [number, number] => [p.start, p.end];

describe('period ids', () => {
  it('name a calendar day as [midnight, next midnight) in UTC', () => {
    expect(parsePeriodId('2026-09-30', 1)).toEqual({
      id: '2026-09-30', kind: 'day', start: at('2026-09-30'), end: at('2026-10-01'),
    });
    expect(bounds(parsePeriodId('1970-01-01', 1))).toEqual([0, DAY]);
  });

  it('name calendar months whatever the fiscal start', () => {
    for (const fsm of [1, 4, 7, 10, 12]) {
      expect(parsePeriodId('2026-09', fsm)).toEqual({
        id: '2026-09', kind: 'month', start: at('2026-09-01'), end: at('2026-10-01'),
      });
      expect(bounds(parsePeriodId('2026-12', fsm))).toEqual([at('2026-12-01'), at('2027-01-01')]);
      expect(bounds(parsePeriodId('2026-09-30', fsm))).toEqual([at('2026-09-30'), at('2026-10-01')]);
    }
  });

  it.each([
    [1, '2026-01-01', '2027-01-01'],
    [4, '2025-04-01', '2026-04-01'],
    [7, '2025-07-01', '2026-07-01'],
    [10, '2025-10-01', '2026-10-01'],
    [12, '2025-12-01', '2026-12-01'],
  ])('name FY2026 as the fiscal year ending in 2026 (start month %i)', (fsm, start, end) => {
    expect(parsePeriodId('FY2026', fsm)).toEqual({ id: 'FY2026', kind: 'year', start: at(start), end: at(end) });
  });

  it.each([
    [1, '2026-Q1', '2026-01-01', '2026-04-01'],
    [1, '2026-Q3', '2026-07-01', '2026-10-01'],
    [1, '2026-Q4', '2026-10-01', '2027-01-01'],
    [4, '2026-Q1', '2025-04-01', '2025-07-01'],
    [4, '2026-Q4', '2026-01-01', '2026-04-01'],
    [7, '2026-Q1', '2025-07-01', '2025-10-01'],
    [7, '2026-Q3', '2026-01-01', '2026-04-01'],
    [7, '2026-Q4', '2026-04-01', '2026-07-01'],
    [10, '2026-Q1', '2025-10-01', '2026-01-01'],
    [10, '2026-Q2', '2026-01-01', '2026-04-01'],
    [10, '2026-Q4', '2026-07-01', '2026-10-01'],
    [12, '2026-Q1', '2025-12-01', '2026-03-01'],
    [12, '2026-Q2', '2026-03-01', '2026-06-01'],
    [12, '2026-Q4', '2026-09-01', '2026-12-01'],
  ])('with start month %i, %s is [%s, %s)', (fsm, id, start, end) => {
    expect(parsePeriodId(id, fsm)).toEqual({ id, kind: 'quarter', start: at(start), end: at(end) });
  });

  it('accept leap days only in leap years (2000 and 2024, not 2023 or 2100)', () => {
    expect(bounds(parsePeriodId('2024-02-29', 1))).toEqual([at('2024-02-29'), at('2024-03-01')]);
    expect(bounds(parsePeriodId('2000-02-29', 1))).toEqual([at('2000-02-29'), at('2000-03-01')]);
    expectPeriodError(() => parsePeriodId('2023-02-29', 1), 'MALFORMED_PERIOD');
    expectPeriodError(() => parsePeriodId('2100-02-29', 1), 'MALFORMED_PERIOD');
    expect(parsePeriodId('2024-02', 1).end - parsePeriodId('2024-02', 1).start).toBe(29 * DAY);
    expect(parsePeriodId('2100-02', 1).end - parsePeriodId('2100-02', 1).start).toBe(28 * DAY);
  });

  it('accept years 1970 through 9999', () => {
    expect(parsePeriodId('1970-01', 1).start).toBe(0);
    expect(parsePeriodId('9999-12-31', 1).end).toBe(at('+010000-01-01T00:00:00Z'));
    expect(bounds(parsePeriodId('FY1970', 7))).toEqual([at('1969-07-01T00:00:00Z'), at('1970-07-01')]);
    expect(parsePeriodId('FY9999', 1).end).toBe(at('+010000-01-01T00:00:00Z'));
  });

  it.each([
    '', '2026', '2026-13', '2026-00', '2026-9', '2026-09-31', '2026-04-31', '2026-09-00', '2026-9-30',
    '2026-Q0', '2026-Q5', '2026-q3', 'fy2026', 'FY26', 'FY 2026', 'FY20260', '1969-12-31', '1969-12',
    '1969-Q4', 'FY1969', '10000-01', '0000-01-01', ' 2026-09', '2026-09 ', '2026-09\n', '２０２６-09',
    '+2026-09', '2026-09-30T00:00:00Z', '2026/09/30', '2026-H1', 'Q3-2026',
  ])('reject the malformed id %j', (id) => {
    const e = expectPeriodError(() => parsePeriodId(id, 1), 'MALFORMED_PERIOD');
    expect(e.message).toMatch(/malformed period id .*: ./);
  });

  it('say why an id is rejected', () => {
    expect(expectPeriodError(() => parsePeriodId('2026-02-30', 1), 'MALFORMED_PERIOD').message).toContain('no day 30');
    expect(expectPeriodError(() => parsePeriodId('1969-12', 1), 'MALFORMED_PERIOD').message).toContain('1970');
    expect(expectPeriodError(() => parsePeriodId(42 as unknown as string, 1), 'MALFORMED_PERIOD').message).toContain('not a string');
  });
});

describe('fiscal year start month', () => {
  it('defaults to January', () => expect(FISCAL_YEAR_START_DEFAULT).toBe(1));

  it('accepts 1 through 12', () => {
    for (let m = 1; m <= 12; m++) expect(validateFiscalStartMonth(m)).toBe(m);
  });

  it.each([0, 13, -1, 1.5, Number.NaN, Infinity, '7', null, undefined])('rejects %j', (n) => {
    expectPeriodError(() => validateFiscalStartMonth(n), 'INVALID_FISCAL_START_MONTH');
    expectPeriodError(() => parsePeriodId('2026-Q1', n as number), 'INVALID_FISCAL_START_MONTH');
  });
});

describe('period containing an instant', () => {
  const ids = (t: number, fsm: number): string[] => KINDS.map((k) => periodContaining(k, t, fsm).id);

  it('finds the day, month, fiscal quarter and fiscal year', () => {
    expect(ids(at('2026-02-15T12:00:00Z'), 7)).toEqual(['2026-02-15', '2026-02', '2026-Q3', 'FY2026']);
    expect(ids(at('2026-02-15T12:00:00Z'), 1)).toEqual(['2026-02-15', '2026-02', '2026-Q1', 'FY2026']);
  });

  it('rolls over at the calendar year end', () => {
    expect(ids(at('2025-12-31T23:59:59.999Z'), 1)).toEqual(['2025-12-31', '2025-12', '2025-Q4', 'FY2025']);
    expect(ids(at('2026-01-01T00:00:00.000Z'), 1)).toEqual(['2026-01-01', '2026-01', '2026-Q1', 'FY2026']);
  });

  it('rolls over at the fiscal year end, not the calendar one', () => {
    expect(ids(at('2025-06-30T23:59:59.999Z'), 7)).toEqual(['2025-06-30', '2025-06', '2025-Q4', 'FY2025']);
    expect(ids(at('2025-07-01T00:00:00.000Z'), 7)).toEqual(['2025-07-01', '2025-07', '2026-Q1', 'FY2026']);
    expect(ids(at('2025-12-31T23:59:59.999Z'), 7)).toEqual(['2025-12-31', '2025-12', '2026-Q2', 'FY2026']);
    expect(ids(at('2025-11-30T23:59:59.999Z'), 12)).toEqual(['2025-11-30', '2025-11', '2025-Q4', 'FY2025']);
    expect(ids(at('2025-12-01T00:00:00.000Z'), 12)).toEqual(['2025-12-01', '2025-12', '2026-Q1', 'FY2026']);
  });

  it('puts a period\'s start inside it and its end outside it', () => {
    const q = parsePeriodId('2026-Q2', 4);
    expect(periodContaining('quarter', q.start, 4)).toEqual(q);
    expect(periodContaining('quarter', q.end - 1, 4)).toEqual(q);
    expect(periodContaining('quarter', q.end, 4).id).toBe('2026-Q3');
  });

  it('refuses instants whose period has no id', () => {
    expectPeriodError(() => periodContaining('day', -1, 1), 'OUT_OF_RANGE');
    expectPeriodError(() => periodContaining('year', at('+010000-01-01T00:00:00Z'), 1), 'OUT_OF_RANGE');
    expectPeriodError(() => periodContaining('year', at('9999-07-01T00:00:00Z'), 7), 'OUT_OF_RANGE');
    expectPeriodError(() => periodContaining('day', Infinity, 1), 'OUT_OF_RANGE');
    expectPeriodError(() => periodContaining('day', 1e300, 1), 'OUT_OF_RANGE');
    expectPeriodError(() => periodContaining('day', Number.NaN, 1), 'INVALID_TIME');
    // 1969-08-01 is in FY1970 when the fiscal year starts in July
    expect(periodContaining('quarter', at('1969-08-01T00:00:00Z'), 7).id).toBe('1970-Q1');
  });
});

describe('next and previous period', () => {
  const next = (id: string, fsm = 1): string => nextPeriod(parsePeriodId(id, fsm), fsm).id;
  const prev = (id: string, fsm = 1): string => previousPeriod(parsePeriodId(id, fsm), fsm).id;

  it('roll days over month ends, leap days and year ends', () => {
    expect(next('2024-02-28')).toBe('2024-02-29');
    expect(next('2024-02-29')).toBe('2024-03-01');
    expect(next('2023-02-28')).toBe('2023-03-01');
    expect(next('2025-12-31')).toBe('2026-01-01');
    expect(prev('2024-03-01')).toBe('2024-02-29');
    expect(prev('2100-03-01')).toBe('2100-02-28');
  });

  it('roll months, quarters and years over', () => {
    expect(next('2025-12')).toBe('2026-01');
    expect(prev('2026-01')).toBe('2025-12');
    expect(next('2026-Q4')).toBe('2027-Q1');
    expect(prev('2026-Q1')).toBe('2025-Q4');
    expect(next('FY2026')).toBe('FY2027');
    const q = nextPeriod(parsePeriodId('2026-Q4', 7), 7);
    expect([q.id, q.start, q.end]).toEqual(['2027-Q1', at('2026-07-01'), at('2026-10-01')]);
  });

  it('stop at the ends of the id range', () => {
    expectPeriodError(() => next('FY9999'), 'OUT_OF_RANGE');
    expectPeriodError(() => next('9999-12-31'), 'OUT_OF_RANGE');
    expectPeriodError(() => prev('1970-01-01'), 'OUT_OF_RANGE');
    expectPeriodError(() => prev('1970-Q1'), 'OUT_OF_RANGE');
  });

  it('reject a period built under another fiscal start month', () => {
    const julyQuarter = parsePeriodId('2026-Q1', 7);
    expectPeriodError(() => nextPeriod(julyQuarter, 1), 'MALFORMED_PERIOD');
    expectPeriodError(() => nextPeriod({ ...julyQuarter, kind: 'month' }, 7), 'MALFORMED_PERIOD');
  });
});

describe('periods ended between two instants', () => {
  const idsBetween = (after: string | number, upTo: string | number, fsm = 1, kinds?: PeriodKind[]): string[] =>
    periodsEndedBetween(
      typeof after === 'string' ? at(after) : after,
      typeof upTo === 'string' ? at(upTo) : upTo,
      fsm,
      kinds,
    ).map((p) => p.id);

  it('lists every period closed during a multi-day gap, by end then kind', () => {
    expect(idsBetween('2026-03-29T10:00:00Z', '2026-04-02T00:00:00Z')).toEqual([
      '2026-03-29', '2026-03-30', '2026-03-31', '2026-03', '2026-Q1', '2026-04-01',
    ]);
  });

  it('includes a period ending exactly at upTo and excludes one ending exactly at after', () => {
    expect(idsBetween('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')).toEqual(['2026-01-01']);
    expect(idsBetween('2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00Z')).toEqual([
      '2025-12-31', '2025-12', '2025-Q4', 'FY2025',
    ]);
  });

  it('is empty when no boundary is crossed or the interval is empty', () => {
    expect(idsBetween('2026-01-01T00:00:00Z', '2026-01-01T23:59:59.999Z')).toEqual([]);
    expect(idsBetween('2026-01-03T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual([]);
  });

  it('uses fiscal boundaries and honours a kinds filter', () => {
    expect(idsBetween('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 7, ['year', 'quarter'])).toEqual([
      '2025-Q3', '2025-Q4', 'FY2025', '2026-Q1', '2026-Q2',
    ]);
  });

  it('covers a year of downtime: 365 days, 12 months, 4 quarters, 1 year', () => {
    const ended = periodsEndedBetween(at('2025-01-01'), at('2026-01-01'), 1);
    const count = (k: PeriodKind): number => ended.filter((p) => p.kind === k).length;
    expect([count('day'), count('month'), count('quarter'), count('year')]).toEqual([365, 12, 4, 1]);
    expect(ended.slice(-4).map((p) => p.id)).toEqual(['2025-12-31', '2025-12', '2025-Q4', 'FY2025']);
  });

  it('clamps bounds outside the id range instead of failing', () => {
    expect(idsBetween(-DAY, DAY, 1, ['day'])).toEqual(['1970-01-01']);
    expect(idsBetween(at('9999-12-31T12:00:00Z'), 8.64e15, 1)).toEqual(['9999-12-31', '9999-12', '9999-Q4', 'FY9999']);
    expectPeriodError(() => periodsEndedBetween(Number.NaN, 0, 1), 'INVALID_TIME');
  });

  const instant = fc.integer({ min: at('1971-01-01'), max: at('9990-01-01') });
  it('returns exactly the periods with end in (after, upTo], adjacent within each kind', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 400 * DAY }), fc.integer({ min: 1, max: 12 }), (after, span, fsm) => {
        const upTo = after + span;
        const ended = periodsEndedBetween(after, upTo, fsm);
        for (let i = 1; i < ended.length; i++) {
          const [a, b] = [ended[i - 1]!, ended[i]!];
          expect(a.end < b.end || (a.end === b.end && KINDS.indexOf(a.kind) < KINDS.indexOf(b.kind))).toBe(true);
        }
        for (const kind of KINDS) {
          const mine = ended.filter((p) => p.kind === kind);
          for (const p of mine) expect(p.end > after && p.end <= upTo).toBe(true);
          // nothing is skipped at either end or in the middle
          const first = periodContaining(kind, after, fsm);
          expect(mine[0]?.id ?? null).toBe(first.end <= upTo ? first.id : null);
          for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBe(mine[i - 1]!.end);
          const last = mine.at(-1);
          if (last) expect(nextPeriod(last, fsm).end > upTo).toBe(true);
        }
        // day count, independently: midnights in (after, upTo]
        expect(ended.filter((p) => p.kind === 'day').length).toBe(Math.floor(upTo / DAY) - Math.floor(after / DAY));
      }),
      { numRuns: 300 },
    );
  });
});

describe('period properties (fast-check)', () => {
  const instant = fc.integer({ min: at('1971-01-01'), max: at('9998-01-01') });
  const fsmArb = fc.integer({ min: 1, max: 12 });
  const kindArb = fc.constantFrom<PeriodKind>(...KINDS);

  it('every instant lies in exactly one period of each kind, which its id names', () => {
    fc.assert(
      fc.property(instant, fsmArb, kindArb, (t, fsm, kind) => {
        const p = periodContaining(kind, t, fsm);
        expect(p.start <= t && t < p.end).toBe(true);
        expect(previousPeriod(p, fsm).end).toBe(p.start);
        expect(nextPeriod(p, fsm).start).toBe(p.end);
        expect(parsePeriodId(p.id, fsm)).toEqual(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('next(previous(p)) and previous(next(p)) are p', () => {
    fc.assert(
      fc.property(instant, fsmArb, kindArb, (t, fsm, kind) => {
        const p = periodContaining(kind, t, fsm);
        expect(nextPeriod(previousPeriod(p, fsm), fsm)).toEqual(p);
        expect(previousPeriod(nextPeriod(p, fsm), fsm)).toEqual(p);
      }),
      { numRuns: 1000 },
    );
  });

  it('periods of one kind tile time without gaps or overlaps', () => {
    // up to 30 years past the start instant: stay clear of the FY9999 end of ids
    const early = fc.integer({ min: at('1971-01-01'), max: at('9900-01-01') });
    fc.assert(
      fc.property(early, fsmArb, kindArb, fc.integer({ min: 1, max: 30 }), (t, fsm, kind, steps) => {
        let p = periodContaining(kind, t, fsm);
        for (let i = 0; i < steps; i++) {
          const n = nextPeriod(p, fsm);
          expect(n.start).toBe(p.end);
          expect(n.end).toBeGreaterThan(n.start);
          expect(n.id).not.toBe(p.id);
          p = n;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agree with Date on day, month and fiscal quarter bounds', () => {
    fc.assert(
      fc.property(instant, fsmArb, (t, fsm) => {
        const d = new Date(t);
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
        expect(bounds(periodContaining('day', t, fsm))).toEqual([Date.UTC(y, m, day), Date.UTC(y, m, day + 1)]);
        expect(bounds(periodContaining('month', t, fsm))).toEqual([Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)]);
        // quarters start in months fsm, fsm+3, fsm+6, fsm+9: step back to the latest of them
        const back = (((m + 1 - fsm) % 3) + 3) % 3;
        expect(bounds(periodContaining('quarter', t, fsm))).toEqual([Date.UTC(y, m - back, 1), Date.UTC(y, m - back + 3, 1)]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('late evidence', () => {
  it('is not late within the same quarter', () => {
    expect(isLate('2026-04-01T00:00:00Z', '2026-06-30T23:59:59.999Z', 1)).toBe(false);
  });

  it('is late one millisecond across a quarter boundary', () => {
    expect(isLate('2026-03-31T23:59:59.999Z', '2026-04-01T00:00:00.000Z', 1)).toBe(true);
  });

  it('honours the occurredAt offset when it moves the instant across the boundary', () => {
    // 00:30 at +01:00 is 23:30Z on March 31: still Q1
    expect(isLate('2026-04-01T00:30:00+01:00', '2026-04-01T00:00:00.000Z', 1)).toBe(true);
    // 20:00 at -05:00 on March 31 is 01:00Z on April 1: already Q2
    expect(isLate('2026-03-31T20:00:00-05:00', '2026-04-01T02:00:00.000Z', 1)).toBe(false);
  });

  it('uses fiscal quarters', () => {
    // May 1 starts a quarter when the fiscal year starts in February, not in January
    expect(isLate('2026-04-30T23:00:00Z', '2026-05-01T01:00:00Z', 2)).toBe(true);
    expect(isLate('2026-04-30T23:00:00Z', '2026-05-01T01:00:00Z', 1)).toBe(false);
  });

  it('is not late when occurredAt is in a later quarter, and is for a very old occurredAt', () => {
    expect(isLate('2026-07-01T00:00:00Z', '2026-06-30T00:00:00Z', 1)).toBe(false);
    expect(isLate('0001-01-01T00:00:00Z', '2026-06-30T00:00:00Z', 1)).toBe(true);
  });

  it('rejects times that are not RFC 3339', () => {
    expectPeriodError(() => isLate('2026-02-30T00:00:00Z', '2026-06-30T00:00:00Z', 1), 'INVALID_TIME');
    expectPeriodError(() => isLate('2026-06-01T00:00:00Z', '2026-06-30', 1), 'INVALID_TIME');
  });
});

describe('RFC 3339 date-time parsing', () => {
  it('agrees with Date on the canonical UTC form', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('0100-01-01T00:00:00Z'), max: at('9999-12-31T23:59:59.999Z') }), (t) => {
        expect(parseRfc3339(new Date(t).toISOString())).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });

  it('applies offsets, including -00:00 and lower-case t and z', () => {
    expect(parseRfc3339('2026-09-14T02:00:00+05:30')).toBe(at('2026-09-13T20:30:00Z'));
    expect(parseRfc3339('2026-09-14T02:00:00-08:00')).toBe(at('2026-09-14T10:00:00Z'));
    expect(parseRfc3339('2026-09-14T02:00:00-00:00')).toBe(at('2026-09-14T02:00:00Z'));
    expect(parseRfc3339('2026-09-14t02:00:00z')).toBe(at('2026-09-14T02:00:00Z'));
  });

  it('truncates fractions to milliseconds, never rounding into the next day', () => {
    expect(parseRfc3339('2026-09-14T02:00:00.5Z')).toBe(at('2026-09-14T02:00:00.500Z'));
    expect(parseRfc3339('2026-09-14T02:00:00.123456789Z')).toBe(at('2026-09-14T02:00:00.123Z'));
    expect(parseRfc3339('2026-12-31T23:59:59.9999Z')).toBe(at('2027-01-01T00:00:00Z') - 1);
  });

  it('accepts real leap days and years before 100 as written', () => {
    expect(parseRfc3339('2024-02-29T12:00:00Z')).toBe(at('2024-02-29T12:00:00Z'));
    expect(parseRfc3339('2000-02-29T00:00:00Z')).toBe(at('2000-02-29'));
    // 0001-01-01 is 719162 days before 1970-01-01 (the .NET DateTime.MinValue constant)
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
  });

  it.each([
    '2026-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z', '2026-12-31T23:59:60Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00+05:60',
    '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '2026-1-01T00:00:00Z', '2026-01-01T00:00Z',
    '2026-01-01T00:00:00.Z', '2026-01-01T00:00:00+0530', '2026-01-01T00:00:00+05', ' 2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00Z ', '2026-01-01T00:00:00Z\n', '２０２６-01-01T00:00:00Z', '+2026-01-01T00:00:00Z',
    '2026-01-01', '', 'Thu, 01 Jan 2026 00:00:00 GMT', '2026-01-01T00:00:00UTC',
  ])('rejects %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it('rejects values that are not strings', () => {
    expect(parseRfc3339(0 as unknown as string)).toBeUndefined();
    expect(parseRfc3339(null as unknown as string)).toBeUndefined();
  });
});
