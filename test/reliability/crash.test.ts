/**
 * The crash harness in small (scripts/harness-run.ts; the big run is
 * `node dist/scripts/crash-harness.js --cycles 500`): the real server, eight concurrent writers
 * with Idempotency-Keys, SIGKILLed at random moments, restarted and checked after every kill.
 * Runs against the compiled server in dist/ (npm test builds it first).
 */
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from '../../scripts/harness-run.js';

/** Enough kills to reach every kind (timer, at an acknowledgement, during start-up) in well under a minute. */
const CYCLES = 16;
const HARNESS_TIMEOUT_MS = 90_000;

describe('crash safety under SIGKILL', () => {
  it(
    `loses nothing acknowledged and never forks a checkpoint across ${CYCLES} kill/restart cycles`,
    async () => {
      const lines: string[] = [];
      const report = await runCrashHarness({
        cycles: CYCLES,
        seed: 4242,
        maxRunMs: 300,
        startupKillShare: 0.15,
        onAckKillShare: 0.35,
        log: (line) => lines.push(line),
      });
      expect(report.findings, lines.join('\n')).toEqual([]);
      expect(report.cycles).toBe(CYCLES);
      expect(report.auditsPassed).toBe(CYCLES);
      // The run did what it claims: it wrote, it killed in each way, and retried what was cut off.
      expect(report.acknowledged).toBeGreaterThan(CYCLES * 5);
      expect(report.startupKills).toBeGreaterThan(0);
      expect(report.onAckKills).toBeGreaterThan(0);
      expect(report.killsWithRequestsInFlight).toBeGreaterThan(CYCLES / 2);
      expect(report.retries.present + report.retries.absent).toBeGreaterThan(0);
      expect(report.retries.replayedAcked).toBeGreaterThan(0);
      expect(report.consistencyProofsVerified).toBeGreaterThan(0);
    },
    HARNESS_TIMEOUT_MS,
  );
});
