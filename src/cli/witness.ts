/**
 * `ledger witness keygen|serve|status`: a C2SP tlog-witness an auditor runs on their own machine,
 * with its own key and its own state file; it never sees the ledger's database or key.
 */
import { Command } from 'commander';
import { pathArgument } from './path-argument.js';
import { exitOnUsageError } from './verify-io.js';
import { nodeCrypto } from '../crypto/node.js';
import { toBase64, toHex } from '../crypto/bytes.js';
import { formatCosignerKey, generateCosignerKey, parseVerifierKey, verifierKeyOf, type VerifierKey } from '../note/index.js';
import { verifierKeyText } from '../verify/key-text.js';
import { readWitnessKey, writeWitnessKey } from '../witness/witness-key.js';
import type { WitnessState } from '../witness/witness-state.js';

/** The witness's state file (SQLite) and server load only when a command needs them: --help stays fast. */
const witnessState = async () => (await import('../witness/witness-state.js')).WitnessState;

function fail(message: string, code = 1): never {
  process.stderr.write(`ledger witness: ${message}\n`);
  process.exit(code);
}

/** A usage error exits 2, as with every other command. */
const usage = (message: string): never => fail(message, 2);

const collect = (value: string, previous: string[]) => [...previous, value];

function logLine(fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

export function witnessCommand(): Command {
  // Set before the subcommands are made, which inherit it: a usage error in any of them exits 2.
  const witness = new Command('witness')
    .description('run a C2SP tlog-witness that cosigns the ledger’s checkpoints (tlog-cosignature v1)')
    .exitOverride(exitOnUsageError);

  witness
    .command('keygen')
    .description('generate a witness key (mode 0600, never overwrites) and print its verifier key')
    .requiredOption('--name <name>', 'the witness name, also the cosignature key name (e.g. witness.auditor.example/sox)')
    .requiredOption('--out <file>', 'where to write the private key', pathArgument)
    .action((opts: { name: string; out: string }) => {
      let key;
      try {
        key = generateCosignerKey(nodeCrypto, opts.name);
        writeWitnessKey(opts.out, key);
      } catch (err) {
        fail(`cannot write ${opts.out}: ${(err as Error).message}`);
      }
      process.stdout.write(`${formatCosignerKey(verifierKeyOf(key))}\n`);
    });

  witness
    .command('serve')
    .description('serve POST /add-checkpoint and GET /<sha256 hex of origin>/checkpoint')
    .requiredOption('--key <file>', 'the witness key file (from witness keygen)')
    .requiredOption('--db <file>', 'the witness state file (SQLite; created if missing)', pathArgument)
    .requiredOption('--log <vkey>', 'a log verifier key to witness, or the JSON GET /v1/key answers (repeatable); its name is the log origin', collect, [] as string[])
    .option('--port <port>', 'port to listen on (0: any free one)', '7380')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { key: string; db: string; log: string[]; port: string; host: string }) => {
      if (!/^[0-9]{1,5}$/.test(opts.port) || Number(opts.port) > 65535) usage(`--port must be a number from 0 to 65535, got ${opts.port}`);
      if (opts.log.length === 0) usage('give at least one --log <verifier key>');
      const logs: VerifierKey[] = opts.log.map((text) => {
        try {
          // The key text, or the JSON GET /v1/key answers (the README's `--log "$(cat ledger.vkey)"`).
          return parseVerifierKey(nodeCrypto, verifierKeyText(text));
        } catch (err) {
          return usage(`--log ${text}: ${(err as Error).message}; give the log's verifier key (<name>+<hex8>+<base64>) or the JSON GET /v1/key answers`);
        }
      });
      let loaded;
      try {
        loaded = readWitnessKey(nodeCrypto, opts.key);
      } catch (err) {
        fail(`cannot read the witness key ${opts.key}: ${(err as Error).message}`);
      }
      if (loaded.warning) logLine({ level: 'warn', msg: loaded.warning });
      const WitnessStateFile = await witnessState();
      let state: WitnessState;
      try {
        state = WitnessStateFile.open(opts.db);
      } catch (err) {
        fail(`cannot open the state file ${opts.db}: ${(err as Error).message}`);
      }
      const { startWitness } = await import('../witness/witness-server.js');
      const running = await startWitness({ c: nodeCrypto, signer: loaded.key, logs, state, log: logLine, port: Number(opts.port), host: opts.host }).catch((err: Error) =>
        fail(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`),
      );
      logLine({ level: 'info', msg: 'witness listening', url: running.url, verifierKey: running.verifierKey, logs: logs.map((l) => l.name) });
      const stop = () => void running.close().then(() => (state.close(), process.exit(0)));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  witness
    .command('status')
    .description('print what this witness has cosigned, per log')
    .requiredOption('--db <file>', 'the witness state file', pathArgument)
    .option('--json', 'machine-readable output')
    .action(async (opts: { db: string; json?: boolean }) => {
      const WitnessStateFile = await witnessState();
      let state: WitnessState;
      try {
        state = WitnessStateFile.open(opts.db, { readonly: true });
      } catch (err) {
        fail(`cannot open ${opts.db}: ${(err as Error).message}`);
      }
      const logs = state.list().map((l) => ({
        origin: l.origin,
        path: `/${toHex(nodeCrypto.sha256(new TextEncoder().encode(l.origin)))}/checkpoint`,
        treeSize: l.treeSize,
        rootHash: toBase64(l.rootHash),
        cosignedAt: new Date(l.cosignedAt * 1000).toISOString(),
        cosignedCheckpoints: l.count,
      }));
      state.close();
      if (opts.json) process.stdout.write(`${JSON.stringify({ logs })}\n`);
      else if (logs.length === 0) process.stdout.write('no checkpoint cosigned yet\n');
      else for (const l of logs) process.stdout.write(`${l.origin}: size ${l.treeSize}, root ${l.rootHash}, cosigned ${l.cosignedAt} (${l.cosignedCheckpoints} checkpoints in all)\n`);
    });

  return witness;
}
