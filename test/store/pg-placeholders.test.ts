import { describe, expect, it } from 'vitest';
import { translatePlaceholders } from '../../src/store/pg/placeholders.js';

describe('SQLite statement text to PostgreSQL', () => {
  it('numbers positional parameters in order', () => {
    expect(translatePlaceholders('SELECT a FROM t WHERE b = ? AND c < ? LIMIT ?')).toEqual({ text: 'SELECT a FROM t WHERE b = $1 AND c < $2 LIMIT $3', names: undefined });
  });

  it('gives each named parameter one number, reused where the name repeats', () => {
    const r = translatePlaceholders('SELECT @to, @from, @to');
    expect(r.text).toBe('SELECT $1, $2, $1');
    expect(r.names).toEqual(['to', 'from']);
  });

  it('quotes camelCase aliases and nothing else', () => {
    const r = translatePlaceholders('SELECT tree_size AS treeSize, x as rootHash, CAST(? AS BIGINT), idx AS "index", note AS note, y AS yy_Z FROM t');
    expect(r.text).toBe('SELECT tree_size AS "treeSize", x as "rootHash", CAST($1 AS BIGINT), idx AS "index", note AS note, y AS "yy_Z" FROM t');
  });

  it('copies strings, quoted identifiers and comments unchanged', () => {
    const sql = `SELECT '?' AS q, 'it''s @x AS fooBar', "odd?name" FROM t -- what ? @y AS camelCase\nWHERE z = ?`;
    expect(translatePlaceholders(sql).text).toBe(`SELECT '?' AS q, 'it''s @x AS fooBar', "odd?name" FROM t -- what ? @y AS camelCase\nWHERE z = $1`);
  });

  it('refuses a statement that mixes both styles, and an unterminated string', () => {
    expect(() => translatePlaceholders('SELECT ?, @a')).toThrow(/mixes/);
    expect(() => translatePlaceholders("SELECT 'open")).toThrow(/unterminated/);
  });

  it('leaves operators that start with @ alone', () => {
    expect(translatePlaceholders("SELECT a @> b, a <@ b").text).toBe('SELECT a @> b, a <@ b');
  });
});
