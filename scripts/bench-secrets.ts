/**
 * The secret scan's cost on adversarial inputs (runs of credential prefixes that a backtracking
 * pattern would make quadratic), 8 KiB and 16 KiB (the details limit) side by side: a linear scan's
 * ratio is about 2, a quadratic one's about 4. Moved here from a wall-clock limit in test/evidence/secrets.test.ts.
 *
 *   npx tsc -p tsconfig.build.json && node dist/scripts/bench-secrets.js
 */
import { validateRecord } from '../src/evidence/index.js';

const base = {
  type: 'change', controlId: 'ITGC-CM-02', system: 'payments-api-prod',
  actor: { id: 'deploy-bot', kind: 'api_key' }, subject: { id: 'payments-api', kind: 'system' },
  occurredAt: '2026-09-10T14:00:00Z', changeId: 'CHG-20931', environment: 'production',
  approvedBy: { id: 'grace@corp.example', kind: 'human' },
};
const runs: Record<string, (n: number) => string> = {
  letters: (n) => 'x'.repeat(n),
  jwtHeads: (n) => 'eyJ'.repeat(Math.ceil(n / 3)),
  pemHeads: (n) => '-----BEGIN '.repeat(Math.ceil(n / 11)),
  urlHeads: (n) => 'a://b:'.repeat(Math.ceil(n / 6)),
  awsHeads: (n) => 'AKIA'.repeat(Math.ceil(n / 4)),
};

function bestMs(value: string, field: string): number {
  // A record the validator refuses for another reason would measure nothing: check it first.
  if (!validateRecord({ ...base, details: { [field]: value } }).ok) throw new Error(`the benchmark record with ${value.length} characters is refused`);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    validateRecord({ ...base, details: { [field]: value } });
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

console.log('secret scan, best of 5 (ms); ratio 16/8 KiB: ~2 linear, ~4 quadratic');
console.log('input       field       8 KiB   16 KiB   ratio');
for (const [name, make] of Object.entries(runs)) {
  for (const field of ['blob', 'password']) {
    const a = bestMs(make(8_000), field);
    const b = bestMs(make(16_000), field);
    console.log(`${name.padEnd(11)} ${field.padEnd(9)} ${a.toFixed(2).padStart(7)}  ${b.toFixed(2).padStart(7)}  ${(b / a).toFixed(2).padStart(6)}`);
  }
}
