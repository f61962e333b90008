/**
 * GET /v1/entries?type=&controlId=&system=&actor=&subject=&source=&from=&to=&late=&after=&limit=
 * Filtered listing by increasing index, paginated with an index cursor (`next`).
 */
import type { Ledger } from '../../ledger/ledger.js';
import { entryView, isRedactedRow, redactedView, type EntryView, type RedactedView } from '../../ledger/entry-view.js';
import { isLate, parseRfc3339, formatTimestamp } from '../../evidence/index.js';
import type { EntryFilter, EntryRow } from '../../store/index.js';
import { badRequest } from '../problem.js';
import { optionalIndexParam, timeParam } from '../params.js';
import { runInSlices } from '../../ledger/work-lane.js';

/** Page size when the client names none, and the most a page may hold. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/**
 * Rows read per query. A page is built in slices on the shared work lane (src/ledger/work-lane.ts),
 * one entry per unit: 1,000 strictly decoded entries are tens of milliseconds, which appends and
 * every other request would otherwise wait for.
 */
const READ_CHUNK = 100;
/**
 * `late` depends on the fiscal start, so it is no column: a `late=` listing reads rows in chunks
 * and keeps the matching ones, reading at most MAX_LATE_SCAN rows per page. A page may then hold
 * fewer than `limit` entries while `next` is not null.
 */
const MAX_LATE_SCAN = 10_000;

const STRING_FILTERS = {
  type: 'type',
  controlId: 'controlId',
  system: 'system',
  actor: 'actorId',
  subject: 'subjectId',
  source: 'source',
} as const satisfies Record<string, keyof EntryFilter>;

/** The listing's query parameters (the route admits only these: query.ts). */
export const LISTING_PARAMS: readonly string[] = [...Object.keys(STRING_FILTERS), 'from', 'to', 'late', 'after', 'limit'];
const KNOWN = new Set(LISTING_PARAMS);

function time(name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : timeParam(name, value);
}

export interface Listing {
  entries: (EntryView | RedactedView)[];
  next: number | null;
}

/** A page of the listing; `sliceMs` is the lane's budget per turn (tests pass 0). */
export function listEntries(ledger: Ledger, query: Record<string, unknown>, sliceMs?: number): Promise<Listing> {
  for (const k of Object.keys(query)) if (!KNOWN.has(k)) throw badRequest(`unknown query parameter ${k}`, k);
  const filter: EntryFilter = {};
  for (const [param, column] of Object.entries(STRING_FILTERS)) {
    const v = query[param];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw badRequest(`${param} must be a non-empty string`, param);
    filter[column] = v;
  }
  const from = time('from', query.from);
  const to = time('to', query.to);
  if (from) filter.receivedFrom = from;
  if (to) filter.receivedBefore = to;
  const after = optionalIndexParam('after', query.after);
  if (after !== undefined) filter.afterIndex = after;
  const limit = optionalIndexParam('limit', query.limit, { min: 1, max: MAX_PAGE }) ?? DEFAULT_PAGE;
  const late = lateParam(query.late);
  return runInSlices(late === undefined ? listPage(ledger, filter, limit) : listByLateness(ledger, filter, limit, late), sliceMs);
}

/** Up to `limit` matching entries, yielding after each; `next` when the page is full. */
function* listPage(ledger: Ledger, filter: EntryFilter, limit: number): Generator<undefined, Listing> {
  const entries: Listing['entries'] = [];
  let cursor = filter.afterIndex;
  while (entries.length < limit) {
    const chunk = Math.min(READ_CHUNK, limit - entries.length);
    const rows = ledger.listEntries(cursor === undefined ? filter : { ...filter, afterIndex: cursor }, chunk);
    for (const row of rows) {
      entries.push(listedView(ledger, row));
      cursor = row.index;
      yield;
    }
    if (rows.length < chunk) return { entries, next: null };
  }
  return { entries, next: cursor ?? null };
}

function lateParam(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw badRequest('late must be true or false', 'late');
}

function* listByLateness(ledger: Ledger, filter: EntryFilter, limit: number, late: boolean): Generator<undefined, Listing> {
  const fiscal = ledger.settings.fiscalYearStart;
  const entries: EntryView[] = [];
  let cursor = filter.afterIndex;
  let scanned = 0;
  while (scanned < MAX_LATE_SCAN) {
    const chunk = Math.min(READ_CHUNK, MAX_LATE_SCAN - scanned);
    const rows = ledger.listEntries(cursor === undefined ? filter : { ...filter, afterIndex: cursor }, chunk);
    for (const row of rows) {
      scanned++;
      cursor = row.index;
      yield;
      // A redacted entry has no occurredAt left: it is neither late nor on time.
      if (isRedactedRow(row) || isLate(row.occurredAt, row.receivedAt, fiscal) !== late) continue;
      entries.push(entryView(row, fiscal));
      if (entries.length === limit) return { entries, next: cursor };
    }
    if (rows.length < chunk) return { entries, next: null };
  }
  return { entries, next: cursor ?? null };
}

/** The entry as GET /v1/entries/{index} answers it: redacted entries by hash only (contract, "Redaction"). */
export function listedView(ledger: Ledger, row: EntryRow): EntryView | RedactedView {
  if (!isRedactedRow(row)) return entryView(row, ledger.settings.fiscalYearStart);
  return redactedView(row, ledger.redactedBy(row.index) ?? -1);
}
