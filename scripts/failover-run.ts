/**
 * The failover harness: two real service instances (`node dist/src/cli/main.js serve`) on one
 * PostgreSQL database, writers appending continuously to whichever answers, and the leader
 * SIGKILLed at random moments several times, each time restarted (as a follower). Measures how
 * long the survivor takes to lead, and checks at the end, from the database itself
 * (failover-check.ts), that nothing acknowledged was lost and no two checkpoints disagree; the
 * ledger's own audit must pass too.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeCrypto } from '../src/crypto/node.js';
import { writeSigningKey } from '../src/ledger/signing-key.js';
import { formatVerifierKey, generateSignerKey, verifierKeyOf } from '../src/note/index.js';
import { FailoverWriters } from './failover-client.js';
import { checkFailoverLog } from './failover-check.js';
import { parseVerifierKey } from './harness-oracle.js';
import { Rng } from './harness-rng.js';
import { ServerProcess, cliPath } from './harness-server.js';
import { RequestFactory } from './harness-writers.js';

export const FAILOVER_ORIGIN = 'failover.test/log';
/** How long a takeover may take before it is a finding (the brief: "within a few seconds"). */
const TAKEOVER_DEADLINE_MS = 10_000;

export interface FailoverOptions {
  /** A PostgreSQL database of its own (it is filled, never dropped here). */
  databaseUrl: string;
  kills: number;
  seed: number;
  writers: number;
  /** The leader runs this long (random in between) under load before each kill. */
  minRunMs: number;
  maxRunMs: number;
  checkpointIntervalMs: number;
  leaderPollMs: number;
  /** Extra environment for both instances. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface FailoverReport {
  seed: number;
  kills: number;
  acknowledged: number;
  refusals: number;
  finalSize: number;
  checkpoints: number;
  terms: number;
  consistencyPairsVerified: number;
  /** Kill to the survivor's /readyz saying `leader`, per kill. */
  takeoverMs: number[];
  /** Kill to the first append the survivor acknowledged (what a client waits), per kill. */
  writeGapMs: number[];
  auditPassed: boolean;
  findings: string[];
}

/** Both instances' environment: one database, one key, one admin token. */
export interface Deployment {
  env: Record<string, string>;
  verifierKey: string;
  adminToken: string;
  cleanup(): void;
}

export function deployment(databaseUrl: string, o: { checkpointIntervalMs: number; leaderPollMs: number; env?: Record<string, string> }): Deployment {
  const dir = mkdtempSync(path.join(tmpdir(), 'failover-'));
  const keyFile = path.join(dir, 'ledger.key');
  const signer = generateSignerKey(nodeCrypto, FAILOVER_ORIGIN);
  writeSigningKey(keyFile, signer);
  const adminToken = randomBytes(32).toString('base64url');
  return {
    env: {
      LEDGER_DATABASE_URL: databaseUrl,
      LEDGER_KEY_FILE: keyFile,
      LEDGER_ORIGIN: FAILOVER_ORIGIN,
      LEDGER_ADMIN_TOKEN: adminToken,
      LEDGER_CHECKPOINT_INTERVAL_MS: String(o.checkpointIntervalMs),
      LEDGER_LEADER_POLL_MS: String(o.leaderPollMs),
      LEDGER_PREPARE_THREADS: '0',
      ...o.env,
    },
    verifierKey: formatVerifierKey(verifierKeyOf(signer)),
    adminToken,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The instance's role from /readyz (undefined when it does not answer). */
export async function roleOf(url: string | undefined): Promise<string | undefined> {
  if (!url) return undefined;
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { role?: string }).role;
  } catch {
    return undefined;
  }
}

/** Polls until `condition` holds; returns the milliseconds it took, or undefined past `timeoutMs`. */
export async function pollUntil(condition: () => Promise<boolean>, timeoutMs: number, everyMs = 10): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await condition()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

export async function createWriterTokens(url: string, adminToken: string, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let w = 0; w < n; w++) {
    const res = await fetch(`${url}/v1/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'writer', source: `failover-writer-${w}` }),
    });
    if (res.status !== 201) throw new Error(`creating a writer token: ${res.status} ${await res.text()}`);
    tokens.push(((await res.json()) as { token: string }).token);
  }
  return tokens;
}

/** `ledger audit --db URL --key VKEY` as a separate process; undefined when it passes, else its output. */
export function auditDatabase(databaseUrl: string, verifierKey: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath(), 'audit', '--db', databaseUrl, '--key', verifierKey], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve(err ? `exit ${String((err as { code?: unknown }).code)}: ${stdout.slice(-2000)} ${stderr.slice(-2000)}` : undefined);
    });
  });
}

export async function runFailoverHarness(o: FailoverOptions): Promise<FailoverReport> {
  const log = o.log ?? (() => {});
  const rng = new Rng(o.seed);
  const d = deployment(o.databaseUrl, o);
  const report: FailoverReport = {
    seed: o.seed, kills: 0, acknowledged: 0, refusals: 0, finalSize: 0, checkpoints: 0, terms: 0, consistencyPairsVerified: 0,
    takeoverMs: [], writeGapMs: [], auditPassed: false, findings: [],
  };
  const servers: (ServerProcess | undefined)[] = [undefined, undefined];
  const urls: (string | undefined)[] = [undefined, undefined];
  const startSlot = async (slot: number) => {
    const server = (servers[slot] = ServerProcess.spawn(d.env));
    urls[slot] = await server.waitListening();
  };
  let writers: FailoverWriters | undefined;
  try {
    await startSlot(0);
    if ((await pollUntil(async () => (await roleOf(urls[0])) === 'leader', TAKEOVER_DEADLINE_MS)) === undefined) throw new Error('the first instance never led');
    await startSlot(1);
    const tokens = await createWriterTokens(urls[0]!, d.adminToken, o.writers);
    writers = new FailoverWriters(() => urls, tokens, new RequestFactory(rng));
    writers.start();
    for (let kill = 1; kill <= o.kills; kill++) {
      await new Promise((r) => setTimeout(r, rng.between(o.minRunMs, o.maxRunMs)));
      const roles = await Promise.all(urls.map(roleOf));
      const leader = roles.indexOf('leader');
      if (leader < 0) {
        report.findings.push(`before kill ${kill}: no instance says it leads (${roles.join(', ')})`);
        break;
      }
      const survivor = 1 - leader;
      const acksBefore = writers.acks.length;
      const killedAt = performance.now();
      await servers[leader]!.kill();
      urls[leader] = undefined;
      report.kills = kill;
      const takeover = await pollUntil(async () => (await roleOf(urls[survivor])) === 'leader', TAKEOVER_DEADLINE_MS);
      if (takeover === undefined) {
        report.findings.push(`kill ${kill}: instance ${survivor} did not lead within ${TAKEOVER_DEADLINE_MS} ms`);
        break;
      }
      report.takeoverMs.push(Math.round(performance.now() - killedAt));
      // The survivor's first acknowledgement (answers the killed leader sent before dying may still be read after the kill).
      const bySurvivor = (a: { atMs: number; instance: number }) => a.instance === survivor && a.atMs > killedAt;
      if ((await pollUntil(async () => writers!.acks.slice(acksBefore).some(bySurvivor), TAKEOVER_DEADLINE_MS)) !== undefined) {
        report.writeGapMs.push(Math.round(writers.acks.slice(acksBefore).find(bySurvivor)!.atMs - killedAt));
      }
      log(`kill ${kill}: leader ${leader} killed, instance ${survivor} led after ${report.takeoverMs.at(-1)} ms, ${writers.acks.length} acknowledged`);
      await startSlot(leader);
    }
    await writers.stop();
    report.findings.push(...writers.findings);
    report.acknowledged = writers.acks.length;
    report.refusals = writers.refusals;
    const serveUrl = urls.find((u) => u !== undefined)!;
    const lastIndex = Math.max(-1, ...writers.acks.flatMap((a) => a.entries.map((e) => e.index)));
    // Everything acknowledged gets signed within a few cadence intervals.
    const signed = await pollUntil(async () => {
      const note = await (await fetch(`${serveUrl}/v1/checkpoint`)).text();
      return Number(note.split('\n')[1]) > lastIndex;
    }, TAKEOVER_DEADLINE_MS);
    if (signed === undefined) report.findings.push(`entry ${lastIndex} was not covered by a signed checkpoint`);
    const check = await checkFailoverLog(o.databaseUrl, serveUrl, parseVerifierKey(d.verifierKey), writers.acks, rng);
    report.findings.push(...check.findings);
    Object.assign(report, { finalSize: check.size, checkpoints: check.checkpoints, terms: check.terms, consistencyPairsVerified: check.consistencyPairsVerified });
    const audit = await auditDatabase(o.databaseUrl, d.verifierKey);
    if (audit) report.findings.push(`audit failed: ${audit}`);
    else report.auditPassed = true;
  } catch (err) {
    report.findings.push((err as Error).stack ?? String(err));
    await writers?.stop();
  } finally {
    await Promise.all(servers.map((s) => s?.stop()));
    d.cleanup();
  }
  return report;
}
