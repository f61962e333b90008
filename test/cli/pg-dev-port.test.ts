/** `npm run pg:dev`'s port for a new cluster (scripts/pg-cluster.mjs devClusterPort). */
import { describe, expect, it } from 'vitest';
import { devClusterPort } from '../../scripts/pg-cluster.mjs';

const FREE = 40123;
const pick = () => FREE;

describe('PG_DEV_PORT', () => {
  it('is 54329 by default, or a free port when that one is taken', () => {
    expect(devClusterPort(undefined, () => true, pick)).toBe(54329);
    expect(devClusterPort(undefined, () => false, pick)).toBe(FREE);
  });

  it('takes a port that is free, and a free one for 0 (a cluster created with port 0 never started)', () => {
    expect(devClusterPort('55432', () => true, pick)).toBe(55432);
    expect(devClusterPort('0', () => true, pick)).toBe(FREE);
  });

  it.each(['', 'abc', '-1', '65536', '5432x', '1e3'])('refuses %j, naming the variable', (setting) => {
    expect(() => devClusterPort(setting, () => true, pick)).toThrow(/^PG_DEV_PORT must be a port number from 0 to 65535/);
  });
});
