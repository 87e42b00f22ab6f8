/** Every command of the CLI; cli/main.ts loads it once tracing, when wanted, has started. */
import { Command } from 'commander';
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
import { registerReconcile } from './reconcileCommand.js';
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
registerReconcile(program);

await program.parseAsync(process.argv);
