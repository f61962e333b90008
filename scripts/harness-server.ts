/**
 * The real server as a child process (`node dist/src/cli/main.js serve`), for the crash harness
 * and the process-level reliability tests: start it on a database, learn its port from its
 * "listening" log line, SIGKILL it, or watch it refuse to start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** Lines of output kept for the report when something goes wrong. */
const TAIL_LINES = 40;
/** A healthy start on a small database takes well under a second; this is for a loaded CI box. */
export const DEFAULT_START_TIMEOUT_MS = 20_000;

/** The compiled CLI, found from this file in `scripts/` or `dist/scripts/`. */
export function cliPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const cli = path.join(dir, 'dist', 'src', 'cli', 'main.js');
      if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -p tsconfig.build.json)`);
      return cli;
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the repository root (package.json) above the harness');
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ServerProcess {
  readonly tail: string[] = [];
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly lineListeners = new Set<(line: string) => void>();

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      // 'close' comes after 'exit' once the output pipes are drained, so the tail is complete.
      child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    // Read both streams to the end, always, through one reader each: a full pipe would stall
    // the server (its logger writes synchronously).
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        for (const listener of this.lineListeners) listener(line);
      });
    }
  }

  /** Starts `ledger serve` with `env` added to this process's environment (PORT 0 unless given). */
  static spawn(env: Record<string, string>, args: string[] = ['serve']): ServerProcess {
    const child = spawn(process.execPath, [cliPath(), ...args], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServerProcess(child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /**
   * Resolves with the base URL once the server logs that it listens (a JSON line holding `marker`
   * and `url`; `ledger witness serve` logs "witness listening"); rejects if it exits first.
   */
  waitListening(timeoutMs = DEFAULT_START_TIMEOUT_MS, marker = 'evidence ledger listening'): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`server did not listen within ${timeoutMs} ms`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.lineListeners.delete(onLine);
      };
      const fail = (err: Error) => {
        done();
        reject(new Error(`${err.message}\n--- server output ---\n${this.tail.join('\n')}`));
      };
      const onLine = (line: string) => {
        if (!line.includes(marker)) return;
        try {
          const url = (JSON.parse(line) as { url?: string }).url;
          if (!url) return;
          done();
          resolve(url);
        } catch {
          // not a JSON log line: keep waiting
        }
      };
      this.lineListeners.add(onLine);
      void this.exited.then((e) => this.lineListeners.has(onLine) && fail(new Error(`server exited before listening (code ${e.code}, signal ${e.signal})`)));
    });
  }

  /** SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill. */
  async kill(): Promise<ExitInfo> {
    if (!this.hasExited) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM: the graceful path (commit what is queued, sign, close). */
  async stop(): Promise<ExitInfo> {
    if (!this.hasExited) this.child.kill('SIGTERM');
    return this.exited;
  }

  output(): string {
    return this.tail.join('\n');
  }
}
