/**
 * Witness names are strings the ledger stores (policy names in logs and /readyz, cosigner key
 * names in the cosignatures table), so they follow a strict identifier rule, stricter than
 * C2SP tlog-policy's opaque names: ASCII letters, digits and `._/:-`, 1 to 128 characters,
 * starting with a letter or digit. No spaces, controls, bidi or zero-width characters can pass.
 */
import type { WitnessPolicy } from '../note/index.js';
import { screenStoredString } from '../evidence/index.js';

const WITNESS_NAME = /^[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}$/;

/** Why `name` may not be stored, or undefined when it may. */
export function witnessNameProblem(name: string): string | undefined {
  if (!WITNESS_NAME.test(name)) {
    return `${JSON.stringify(name)} must be 1 to 128 ASCII letters, digits or . _ / : - (starting with a letter or digit)`;
  }
  // The secret screening of every stored string (contract, "Secret screening": witness names);
  // the sentence without its field prefix, which the callers supply.
  const screened = screenStoredString('witness.name', name, { identifier: true });
  return screened === undefined ? undefined : screened.message.slice(screened.field.length + 2);
}

/** Every problem with the names of a policy's witnesses (their policy names and key names). */
export function policyNameProblems(policy: WitnessPolicy): string[] {
  const out: string[] = [];
  for (const w of policy.witnesses) {
    const a = witnessNameProblem(w.name);
    if (a) out.push(`witness name ${a}`);
    const b = witnessNameProblem(w.key.name);
    if (b) out.push(`witness ${w.name}: key name ${b}`);
  }
  return out;
}
