/** `ledger keygen`: a new Ed25519 checkpoint-signing key in the Go note signer-key form. */
import { Command } from 'commander';
import { pathArgument } from './path-argument.js';
import { nodeCrypto } from '../crypto/node.js';
import { formatVerifierKey, generateSignerKey, verifierKeyOf } from '../note/index.js';
import { writeSigningKey } from '../ledger/signing-key.js';
import { EXIT_USAGE, exitOnUsageError } from './verify-io.js';

export function keygenCommand(): Command {
  return new Command('keygen')
    .description('generate a checkpoint-signing key (written with mode 0600; never overwrites)')
    .requiredOption('--origin <origin>', 'the log origin, which is also the key name (e.g. ledger.example.com/prod)')
    .requiredOption('--out <file>', 'where to write the private signer key', pathArgument)
    .exitOverride(exitOnUsageError)
    .action((opts: { origin: string; out: string }) => {
      let key;
      try {
        key = generateSignerKey(nodeCrypto, opts.origin);
      } catch (err) {
        // A bad origin is the caller's mistake: say what is wrong, exit 2, no stack trace.
        process.stderr.write(`ledger keygen: --origin ${JSON.stringify(opts.origin)}: ${(err as Error).message}\n`);
        process.exit(EXIT_USAGE);
      }
      try {
        writeSigningKey(opts.out, key);
      } catch (err) {
        process.stderr.write(`ledger keygen: cannot write ${opts.out}: ${(err as Error).message}\n`);
        process.exit(1);
      }
      process.stdout.write(`${formatVerifierKey(verifierKeyOf(key))}\n`);
    });
}
