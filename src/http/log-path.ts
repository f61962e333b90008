/**
 * What a request line logs of the request target. A client may put a credential anywhere in it
 * (`?access_token=…`, a token pasted as a path segment), and logs travel further than the ledger:
 * so query values are kept only when they are plain decimal numbers (indexes, sizes, limits), and
 * a path segment long enough to be a token (ours are 60+ characters, the admin token at least 32)
 * is replaced by its length. Names and short segments stay, which is what debugging needs.
 */
import { MIN_ADMIN_TOKEN_LENGTH } from '../config.js';

/** Segments at least this long are not logged: every credential the ledger accepts is longer. */
const LONGEST_LOGGED_SEGMENT = MIN_ADMIN_TOKEN_LENGTH - 1;
const DECIMAL = /^[0-9]{1,16}$/;
const MAX_LOGGED_LENGTH = 512;

export function loggablePath(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const at = target.indexOf('?');
  const path = at < 0 ? target : target.slice(0, at);
  const segments = path.split('/').map((s) => (s.length > LONGEST_LOGGED_SEGMENT ? `[${s.length} chars]` : s));
  let out = segments.join('/');
  if (at >= 0) {
    const params = target.slice(at + 1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair.length > LONGEST_LOGGED_SEGMENT ? `[${pair.length} chars]` : pair;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const shownName = name.length > LONGEST_LOGGED_SEGMENT ? `[${name.length} chars]` : name;
      return `${shownName}=${DECIMAL.test(value) ? value : '[redacted]'}`;
    });
    out += `?${params.join('&')}`;
  }
  return out.length > MAX_LOGGED_LENGTH ? `${out.slice(0, MAX_LOGGED_LENGTH)}…` : out;
}
