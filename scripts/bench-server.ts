/**
 * Servers under test run in their own processes, as in production, so the load generator in
 * this process never shares an event loop with them. Readiness is polled over HTTP, which also
 * times start-up from spawn to the first answered request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { repoRoot } from './bench-common.js';

/** Long enough for a cold start on a slow disk; a server that takes longer is broken for our purposes. */
const READY_TIMEOUT_MS = 60_000;
/** Short, so the start-up figure is not rounded up to the poll period. */
const READY_POLL_MS = 2;
/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 2xx answer on the readiness path. */
  readyMs: number;
  /** User + system CPU seconds the server has used so far (Linux; NaN elsewhere). */
  cpuSeconds(): number;
  /** Resident set size in MiB (Linux; NaN elsewhere). */
  rssMiB(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The ledger CLI as built by `npm run build`. */
export function ledgerCli(): string {
  return path.join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
}

export function baselineApp(): string {
  return path.join(repoRoot(), 'dist', 'scripts', 'bench-baseline-app.js');
}

/** Starts `node ...nodeArgs script ...args` with PORT set, and resolves once `readyPath` answers 2xx. */
export async function startServer(
  script: string,
  args: string[],
  env: Record<string, string>,
  { readyPath = '/healthz', nodeArgs = [] }: { readyPath?: string; nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // stdout (one log line per request) goes nowhere, as it would to a log collector; stderr is kept for failures.
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyMs = await waitReady(`${url}${readyPath}`, child, started, () => stderr);
  return {
    url,
    pid: child.pid!,
    readyMs,
    cpuSeconds: () => procStat(child.pid!).cpuSeconds,
    rssMiB: () => procStat(child.pid!).rssMiB,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0 && code !== null) throw new Error(`server ${script} exited with ${code}: ${stderr}`);
    },
  };
}

async function waitReady(url: string, child: ChildProcess, started: number, stderr: () => string): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready: ${stderr()}`);
    if ((await getStatus(url)) === 200) return performance.now() - started;
    if (performance.now() - started > READY_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms: ${stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

/** The status of a GET, or 0 when nothing answers. */
export function getStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** POST a JSON body; resolves with the status and parsed answer. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(data.length) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

function procStat(pid: number): { cpuSeconds: number; rssMiB: number } {
  try {
    // Fields after the parenthesised command name: utime is the 14th field, stime the 15th, rss (pages) the 24th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const pageMiB = 4096 / 2 ** 20;
    return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssMiB: Number(fields[21]) * pageMiB };
  } catch {
    return { cpuSeconds: Number.NaN, rssMiB: Number.NaN };
  }
}
