/**
 * Which ledger instance a request goes to when the client is given several: instances that share
 * one PostgreSQL database, one leader (the sequencer) and its followers (docs/operations.md, "One
 * sequencer across instances"). A follower refuses writes with a `not-leader` problem whose
 * `leader` member is the leader's advertised URL; the client follows it only to an instance it
 * was configured with, so a follower (or anyone answering in its name) can never make the client
 * send its bearer token to another host. Pure: no I/O; the client asks, this module answers.
 */

/** The problem type a follower answers a write with (src/http/errors-map.ts). */
export const NOT_LEADER_TYPE = 'urn:evidence-ledger:problem:not-leader';

/** What the last attempt got: an answer's problem document, or nothing (a network error or a timeout). */
export type AttemptResult = { answered: true; problem?: { type?: unknown; leader?: unknown } } | { answered: false };

/**
 * A URL as an instance's identity: scheme, host and port (the URL parser lowercases them and
 * drops a default port), and the path without trailing slashes; user info, query and fragment
 * play no part. A relative URL resolves against the page in a browser; where none can resolve
 * it, it stays as written, trailing slashes removed.
 */
export function endpointKey(url: string, base: string | undefined = pageUrl()): string {
  try {
    const u = new URL(url, base);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url.replace(/\/+$/, '');
  }
}

function pageUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

export class Endpoints {
  /** The configured base URLs as requests use them (trailing slashes removed), duplicates dropped. */
  readonly urls: readonly string[];
  private readonly keys: readonly string[];
  private preferred = 0;

  constructor(url: string | readonly string[]) {
    const given = typeof url === 'string' ? [url] : [...url];
    if (given.length === 0) throw new TypeError('LedgerClient: `url` lists no ledger instance');
    const urls: string[] = [];
    const keys: string[] = [];
    for (const u of given) {
      const key = endpointKey(u);
      if (keys.includes(key)) continue;
      urls.push(u.replace(/\/+$/, ''));
      keys.push(key);
    }
    this.urls = urls;
    this.keys = keys;
  }

  /**
   * Where a request starts: the instance that last accepted a write, or the one a read reached
   * after the start stopped answering (the first configured one until then).
   */
  start(): number {
    return this.preferred;
  }

  /**
   * A request that started at `from` succeeded at `index`: later requests start there, unless a
   * concurrent request moved the start meanwhile. Only a write can move on an answer (not-leader);
   * a read moves only off an instance that did not answer, so followers never draw writes.
   */
  succeeded(index: number, from: number): void {
    if (this.preferred === from) this.preferred = index;
  }

  /** The configured instance `url` names, if any. */
  indexOf(url: string): number | undefined {
    const i = this.keys.indexOf(endpointKey(url));
    return i < 0 ? undefined : i;
  }

  /**
   * Where to try after an attempt at `from` failed. A `not-leader` answer goes to the instance it
   * names when that is a configured one other than `from`, else to the next; no answer (refused,
   * reset, timed out) goes to the next; any other answer (back-pressure 429/503, a 5xx) stays,
   * since another instance would only refuse the write or lack what this one has.
   */
  next(from: number, result: AttemptResult): number {
    const following = (from + 1) % this.urls.length;
    if (!result.answered) return following;
    if (result.problem?.type !== NOT_LEADER_TYPE) return from;
    const leader = result.problem.leader;
    const named = typeof leader === 'string' ? this.indexOf(leader) : undefined;
    return named !== undefined && named !== from ? named : following;
  }
}
