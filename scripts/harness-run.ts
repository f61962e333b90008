/**
 * The crash harness: the real server on a temporary database, concurrent writers with
 * Idempotency-Keys, SIGKILL at a random moment (mid-batch, mid-checkpoint, during start-up),
 * restart, check everything (harness-check), retry what was not acknowledged, repeat.
 * Shared by `scripts/crash-harness.ts` (hundreds of cycles) and the CI test (a few dozen).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogChecker } from './harness-check.js';
import { auditDatabase, checkConsistencyAcrossRestart, observeCheckpoints, retryPending, type RetryTally } from './harness-cycle.js';
import { parseVerifierKey } from './harness-oracle.js';
import { Rng } from './harness-rng.js';
import { ServerProcess } from './harness-server.js';
import { RequestFactory, WriterPool, type HarnessRequest } from './harness-writers.js';
import { nodeCrypto } from '../src/crypto/node.js';
import { formatVerifierKey, generateSignerKey, verifierKeyOf } from '../src/note/index.js';
import { writeSigningKey } from '../src/ledger/signing-key.js';

export interface HarnessOptions {
  cycles: number;
  writers: number;
  seed: number;
  /** A server life with writers lasts a random time in this range before the kill. */
  minRunMs: number;
  maxRunMs: number;
  /** Share of cycles that kill the server during start-up instead (0..1). */
  startupKillShare: number;
  /**
   * Share of the other cycles that kill at the first acknowledgement after the run time: the
   * server has just committed a batch and is still answering it, so requests that were
   * committed but never acknowledged are left behind for the retries (0..1).
   */
  onAckKillShare: number;
  /** Run the ledger's own audit on the killed database every this many cycles (0: never). */
  auditEvery: number;
  /** LEDGER_CHECKPOINT_INTERVAL_MS: short, so kills often land while a checkpoint is being signed. */
  checkpointIntervalMs: number;
  keepDir?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_HARNESS_OPTIONS: HarnessOptions = {
  cycles: 20,
  writers: 8,
  seed: 1,
  minRunMs: 40,
  maxRunMs: 400,
  startupKillShare: 0.1,
  onAckKillShare: 0.3,
  auditEvery: 1,
  checkpointIntervalMs: 10,
};

export interface HarnessReport {
  seed: number;
  cycles: number;
  startupKills: number;
  onAckKills: number;
  finalSize: number;
  checkpoints: number;
  acknowledged: number;
  requestsSent: number;
  /** Kills with at least one request in flight (the server was mid-request or mid-batch). */
  killsWithRequestsInFlight: number;
  /** Kills after which committed entries were not yet covered by a signed checkpoint. */
  killsWithUnsignedTail: number;
  unacknowledged: number;
  retries: RetryTally;
  auditsPassed: number;
  consistencyProofsVerified: number;
  restartMs: { p50: number; max: number };
  findings: string[];
  dir: string;
  elapsedMs: number;
}

const ORIGIN = 'harness.example/crash';
/** Start-up kills land within this long after spawn: before, during and just after the first listen. */
const STARTUP_KILL_MAX_MS = 300;
/** An armed on-ack kill falls back to a plain kill if no answer comes this soon. */
const ON_ACK_WAIT_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}

export async function runCrashHarness(partial: Partial<HarnessOptions> = {}): Promise<HarnessReport> {
  const o = { ...DEFAULT_HARNESS_OPTIONS, ...partial };
  const log = o.log ?? (() => {});
  const started = performance.now();
  const rng = new Rng(o.seed);
  const dir = mkdtempSync(path.join(tmpdir(), 'crash-harness-'));
  const dbFile = path.join(dir, 'ledger.db');
  const keyFile = path.join(dir, 'ledger.key');
  const signer = generateSignerKey(nodeCrypto, ORIGIN);
  writeSigningKey(keyFile, signer);
  const verifierKey = formatVerifierKey(verifierKeyOf(signer));
  const adminToken = randomBytes(32).toString('base64url');
  const env = {
    LEDGER_DB: dbFile,
    LEDGER_KEY_FILE: keyFile,
    LEDGER_ORIGIN: ORIGIN,
    LEDGER_ADMIN_TOKEN: adminToken,
    LEDGER_CHECKPOINT_INTERVAL_MS: String(o.checkpointIntervalMs),
  };
  const checker = new LogChecker(dbFile, parseVerifierKey(verifierKey));
  const factory = new RequestFactory(rng);
  const report: HarnessReport = {
    seed: o.seed, cycles: 0, startupKills: 0, onAckKills: 0, finalSize: 0, checkpoints: 0, acknowledged: 0, requestsSent: 0,
    killsWithRequestsInFlight: 0, killsWithUnsignedTail: 0, unacknowledged: 0,
    retries: { present: 0, absent: 0, replayedAcked: 0 }, auditsPassed: 0, consistencyProofsVerified: 0,
    restartMs: { p50: 0, max: 0 }, findings: [], dir, elapsedMs: 0,
  };
  const restartTimes: number[] = [];
  let tokens: string[] = [];
  let pending: HarnessRequest[] = [];
  const acked: HarnessRequest[] = [];
  let lastSeenNote: string | undefined;
  let current: ServerProcess | undefined;

  try {
    for (let cycle = 1; cycle <= o.cycles && report.findings.length === 0; cycle++) {
      const server = (current = ServerProcess.spawn(env));
      const spawnedAt = performance.now();
      const newlyAcked: HarnessRequest[] = [];
      const notes = new Set<string>();
      let inFlight = 0;
      // Cycle 2 always dies in start-up when any share is asked for, so even a short run covers it.
      const killInStartup = cycle > 1 && (rng.next() < o.startupKillShare || (cycle === 2 && o.startupKillShare > 0));
      if (killInStartup) {
        // Kill during start-up: migrations, the WAL recovery, the start-up checkpoint.
        await sleep(rng.between(0, STARTUP_KILL_MAX_MS));
        report.startupKills++;
      } else {
        const url = await server.waitListening();
        restartTimes.push(performance.now() - spawnedAt);
        if (tokens.length === 0) tokens = await createWriterTokens(url, adminToken, o.writers);
        const consistency = await checkConsistencyAcrossRestart(url, lastSeenNote, verifierKey);
        report.findings.push(...consistency.findings);
        report.consistencyProofsVerified += consistency.verified;
        pending = await retryPending(url, tokens, pending, checker, newlyAcked, report.retries, report.findings);
        const sample = Array.from({ length: Math.min(3, acked.length) }, () => acked[rng.int(acked.length)]!);
        await retryPending(url, tokens, sample, checker, [], report.retries, report.findings);
        let armed = false;
        const pool = new WriterPool(url, tokens, factory, (req, out) => {
          req.acked = out.entries;
          newlyAcked.push(req);
          if (armed) {
            armed = false;
            inFlight = pool.inFlight;
            server.child.kill('SIGKILL');
          }
        });
        const observer = observeCheckpoints(url, notes);
        pool.start();
        await sleep(rng.between(o.minRunMs, o.maxRunMs));
        if (rng.next() < o.onAckKillShare) {
          report.onAckKills++;
          armed = true;
          await Promise.race([server.exited, sleep(ON_ACK_WAIT_MS)]);
        } else {
          inFlight = pool.inFlight;
        }
        await server.kill();
        pending.push(...(await pool.stop()));
        await observer.stop();
        report.requestsSent += pool.stats.sent;
        report.findings.push(...pool.stats.unexpected);
        lastSeenNote = [...notes].at(-1) ?? lastSeenNote;
      }
      await server.kill();
      acked.push(...newlyAcked);
      const result = checker.check(newlyAcked, notes, pending);
      report.findings.push(...result.findings.map((f) => `cycle ${cycle}: ${f}`));
      if (o.auditEvery > 0 && cycle % o.auditEvery === 0) {
        const audit = auditDatabase(dbFile, verifierKey);
        if (audit) report.findings.push(`cycle ${cycle}: audit failed: ${audit}`);
        else report.auditsPassed++;
      }
      report.cycles = cycle;
      if (inFlight > 0) report.killsWithRequestsInFlight++;
      if (result.unsignedTail > 0) report.killsWithUnsignedTail++;
      report.finalSize = result.size;
      report.checkpoints = result.checkpoints;
      log(`cycle ${cycle}: size ${result.size} (+${result.newEntries}), ${result.checkpoints} checkpoints, ` +
        `${inFlight} in flight at kill, unsigned tail ${result.unsignedTail}, ${pending.length} pending`);
    }
  } catch (err) {
    // A server that cannot start again after a kill, or a database the checker cannot read, is a finding.
    report.findings.push(`cycle ${report.cycles + 1}: ${(err as Error).stack ?? String(err)}`);
    await current?.kill();
  } finally {
    report.acknowledged = acked.length;
    report.unacknowledged = pending.length;
    restartTimes.sort((a, b) => a - b);
    report.restartMs = { p50: Math.round(percentile(restartTimes, 0.5)), max: Math.round(restartTimes.at(-1) ?? 0) };
    report.elapsedMs = Math.round(performance.now() - started);
    if (!o.keepDir && report.findings.length === 0) rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

async function createWriterTokens(url: string, adminToken: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${url}/v1/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'writer', source: `harness-writer-${i}` }),
    });
    if (res.status !== 201) throw new Error(`cannot create a writer token: ${res.status} ${await res.text()}`);
    tokens.push(((await res.json()) as { token: string }).token);
  }
  return tokens;
}
