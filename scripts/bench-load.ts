/**
 * Load generation with autocannon (programmatic API). Latencies are taken from each client's
 * `response` event (hrtime, fractions of a millisecond) rather than autocannon's histogram,
 * which records whole milliseconds.
 */
import { createRequire } from 'node:module';
import { percentile } from './bench-common.js';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonClient {
  on(event: 'response', listener: (status: number, bytes: number, responseTimeMs: number) => void): void;
}
interface AutocannonOptions {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
  pipelining: number;
  setupClient: (client: AutocannonClient) => void;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

export interface LoadOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, plus connection errors and timeouts: must be 0 for a valid run. */
  failures: number;
  statusCodes: Record<string, number>;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  const started = performance.now();
  const result = await autocannon({
    url: opts.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.body,
    connections: opts.connections,
    duration: opts.durationSeconds,
    pipelining: 1,
    setupClient: (client) =>
      client.on('response', (status, _bytes, ms) => {
        if (status >= 200 && status < 300) ok++;
        latencies.push(ms);
      }),
  });
  const seconds = (performance.now() - started) / 1000;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    requestsPerSecond: ok / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures: result.non2xx + result.errors + result.timeouts,
    statusCodes,
  };
}
