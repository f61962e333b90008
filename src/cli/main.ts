#!/usr/bin/env node
/** The `ledger` command-line tool. */
import { Command } from 'commander';
import { serveCommand } from './serve.js';
import { keygenCommand } from './keygen.js';
import { backupCommand } from './backup.js';
import { restoreCommand } from './restore.js';
import { auditCommand } from './audit.js';
import { verifyCommands } from './verify.js';
import { witnessCommand } from './witness.js';
import { exportTilesCommand } from './export-tiles.js';
import { postCommand } from './post.js';
import { exitOnUsageError } from './verify-io.js';
import { reportCommand } from './report.js';
import { migrateCommand } from './migrate.js';

const program = new Command()
  .name('ledger')
  .description('Evidence ledger: an append-only, verifiable log of identity-control evidence')
  .showHelpAfterError()
  .exitOverride(exitOnUsageError);

program.addCommand(serveCommand());
program.addCommand(keygenCommand());
program.addCommand(backupCommand());
program.addCommand(restoreCommand());
program.addCommand(auditCommand());
program.addCommand(exportTilesCommand());
program.addCommand(reportCommand());
for (const command of verifyCommands()) program.addCommand(command);
program.addCommand(witnessCommand());
program.addCommand(postCommand());
program.addCommand(migrateCommand());

await program.parseAsync(process.argv);
