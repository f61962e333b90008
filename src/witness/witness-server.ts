/**
 * The witness's HTTP server (node:http; two routes, so no framework):
 *
 *   POST /add-checkpoint                 C2SP tlog-witness v1.0.0 (add-checkpoint.ts)
 *   GET  /<hex SHA-256 of origin>/checkpoint   the latest checkpoint we cosigned for that log
 *
 * It shares only pure modules (note, merkle, crypto) with the ledger and never opens the
 * ledger's database: it learns only what a log sends it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Crypto } from '../crypto/types.js';
import { toHex, utf8 } from '../crypto/bytes.js';
import { formatCosignerKey, verifierKeyOf, type SignerKey, type VerifierKey } from '../note/index.js';
import { addCheckpoint, type WitnessAnswer } from './add-checkpoint.js';
import type { WitnessState } from './witness-state.js';

/** 63 proof lines and a checkpoint with 100 signature lines fit in well under this. */
export const MAX_BODY_BYTES = 64 * 1024;
/**
 * Connections held at once (each buffers at most MAX_BODY_BYTES): with the body limit, this bounds
 * the witness's memory whatever clients send. More are refused until one closes.
 */
export const MAX_CONNECTIONS = 256;
/** A request (headers and body) must arrive within this; a slow client cannot hold a connection forever. */
const REQUEST_TIMEOUT_MS = 30_000;
const CHECKPOINT_PATH = /^\/([0-9a-f]{64})\/checkpoint$/;

export interface WitnessServerOptions {
  c: Crypto;
  signer: SignerKey;
  logs: readonly VerifierKey[];
  state: WitnessState;
  /** One line per decision (JSON-able fields). */
  log?: (fields: Record<string, unknown>) => void;
  /** POSIX seconds; default the system clock. */
  now?: () => number;
}

export interface RunningWitness {
  server: Server;
  url: string;
  verifierKey: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function witnessHandler(opts: WitnessServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const logs = new Map<string, VerifierKey[]>();
  for (const k of opts.logs) logs.set(k.name, [...(logs.get(k.name) ?? []), k]);
  const byHash = new Map([...logs.keys()].map((origin) => [toHex(opts.c.sha256(utf8(origin))), origin]));
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const deps = { c: opts.c, signer: opts.signer, logs, state: opts.state, now };

  return (req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    if (url === '/add-checkpoint') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'use POST\n');
      readBody(req).then(
        (body) => {
          if (!body) {
            // Hang up rather than drain a body that may never end.
            res.setHeader('Connection', 'close');
            res.on('finish', () => req.destroy());
            return send(res, 413, 'text/plain; charset=utf-8', `the body exceeds ${MAX_BODY_BYTES} bytes\n`);
          }
          let answer: WitnessAnswer;
          try {
            answer = addCheckpoint(deps, body);
          } catch (err) {
            // A storage failure: nothing was cosigned, the client retries later.
            log({ level: 'error', msg: 'add-checkpoint failed', err: (err as Error).message });
            return send(res, 500, 'text/plain; charset=utf-8', 'the witness cannot store its state right now\n');
          }
          // 409 and 422 may be evidence of a misbehaving log (tlog-witness: "MAY log the request").
          const level = answer.status === 200 ? 'info' : answer.status === 409 || answer.status === 422 ? 'warn' : 'info';
          log({ level, msg: 'add-checkpoint', status: answer.status, origin: answer.origin, treeSize: answer.treeSize, reason: answer.reason });
          send(res, answer.status, answer.contentType, answer.body);
        },
        () => res.destroy(),
      );
      return;
    }
    const m = CHECKPOINT_PATH.exec(url);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      const origin = byHash.get(m[1]!);
      const head = origin === undefined ? undefined : opts.state.latest(origin);
      if (!head) return send(res, 404, 'text/plain; charset=utf-8', 'no checkpoint cosigned for this log\n');
      return send(res, 200, 'text/plain; charset=utf-8', head.note);
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  };
}

export async function startWitness(opts: WitnessServerOptions & { port: number; host: string }): Promise<RunningWitness> {
  const server = createServer(witnessHandler(opts));
  // Keep-alive (the spec asks clients to reuse connections), but never hold a dead client forever.
  server.keepAliveTimeout = 30_000;
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, REQUEST_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const url = typeof addr === 'object' && addr ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : String(addr);
  return {
    server,
    url,
    verifierKey: formatCosignerKey(verifierKeyOf(opts.signer)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
