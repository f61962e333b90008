/** Statements prepared on first use: a table that an old database lacks until migrated costs nothing until it is read. */
import type { SqlStatement as Statement } from './sql.js';
import type { Db } from './db.js';

/** Returns a lookup that prepares `sql[name]` once, on its first use, and reuses it after. */
export function lazyStatements<K extends string>(db: Db, sql: Readonly<Record<K, string>>): (name: K) => Statement {
  const prepared = new Map<K, Statement>();
  return (name) => {
    let s = prepared.get(name);
    if (!s) {
      s = db.prepare(sql[name]);
      prepared.set(name, s);
    }
    return s;
  };
}
