import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { CliError } from './CliError.js';
import { packageVersion } from '../packageVersion.js';
import { registerServe } from './serve.js';
import { registerMigrate } from './migrateCommand.js';
import { registerKeys } from './keysCommand.js';
import { registerSimulate } from './simulateCommand.js';
import { registerDemo } from './demoCommand.js';
import { registerIntegrators } from './integratorsCommand.js';
import { registerVerify } from './verifyCommand.js';
import { registerRebuild } from './rebuildCommand.js';
import { registerAnchor } from './anchorCommand.js';
import { keepExitCode } from './keepExitCode.js';

keepExitCode();

const program = new Command('order-ledger')
  .description('An event-sourced order ledger: one trustworthy history of every order.')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError();

registerServe(program);
registerMigrate(program);
registerKeys(program);
registerSimulate(program);
registerDemo(program);
registerIntegrators(program);
registerVerify(program);
registerRebuild(program);
registerAnchor(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A failure is one line and an exit code; the stack only when asked for (LOG_LEVEL=debug).
  const known = error instanceof CliError || error instanceof ConfigError;
  console.error(known ? error.message : `order-ledger: ${error instanceof Error ? error.message : String(error)}`);
  if (!known && /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '') && error instanceof Error) console.error(error.stack);
  process.exit(error instanceof CliError ? error.exitCode : error instanceof ConfigError ? 2 : 1);
}
