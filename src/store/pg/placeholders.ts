/**
 * SQLite-style statement text to PostgreSQL's, so one text serves both dialects: parameters
 * (`?` positional, `@name` named) become `$1, $2, …`, and a column alias in camelCase
 * (`AS treeSize`) is quoted, since PostgreSQL folds unquoted names to lower case and the stores
 * read rows by those names. Quoted strings, quoted identifiers and comments are copied unchanged.
 */
export interface Translated {
  text: string;
  /** For named parameters: the name behind each $n, in order. Undefined for positional ones. */
  names: string[] | undefined;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

export function translatePlaceholders(sql: string): Translated {
  let out = '';
  let positional = 0;
  const names: string[] = [];
  for (let i = 0; i < sql.length; ) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (isCamelAlias(sql, i)) {
      const alias = CAMEL_ALIAS.exec(sql.slice(i))!;
      out += `${alias[1]}"${alias[2]}"`;
      i += alias[0].length;
    } else if (ch === '?') {
      out += `$${++positional}`;
      i++;
    } else if (ch === '@' && NAME_START.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && NAME_PART.test(sql[j]!)) j++;
      const name = sql.slice(i + 1, j);
      let at = names.indexOf(name);
      if (at < 0) at = names.push(name) - 1;
      out += `$${at + 1}`;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`a statement mixes ? and @name parameters: ${sql}`);
  return { text: out, names: names.length > 0 ? names : undefined };
}

/** `AS fooBar`: a mixed-case alias (type names in CAST(… AS BIGINT) are upper case only). */
const CAMEL_ALIAS = /^((?:AS|as)\s+)([a-z][A-Za-z0-9_]*[A-Z][A-Za-z0-9_]*)(?![A-Za-z0-9_])/;

function isCamelAlias(sql: string, i: number): boolean {
  const ch = sql[i];
  return (ch === 'A' || ch === 'a') && !NAME_PART.test(sql[i - 1] ?? ' ') && CAMEL_ALIAS.test(sql.slice(i, i + 80));
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const at = sql.indexOf(quote, i);
    if (at < 0) throw new Error(`unterminated ${quote} in statement: ${sql}`);
    if (sql[at + 1] === quote) i = at + 2;
    else return at + 1;
  }
}
