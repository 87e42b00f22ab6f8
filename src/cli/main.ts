import { Command } from 'commander';
import { registerServe } from './serve.js';
import { registerMigrate } from './migrateCommand.js';
import { registerKeys } from './keysCommand.js';
import { registerSimulate } from './simulateCommand.js';
import { registerDemo } from './demoCommand.js';
import { registerIntegrators } from './integratorsCommand.js';
import { registerVerify } from './verifyCommand.js';
import { registerRebuild } from './rebuildCommand.js';

const program = new Command('order-ledger')
  .description('An event-sourced order ledger: one trustworthy history of every order.')
  .showHelpAfterError();

registerServe(program);
registerMigrate(program);
registerKeys(program);
registerSimulate(program);
registerDemo(program);
registerIntegrators(program);
registerVerify(program);
registerRebuild(program);

await program.parseAsync(process.argv);
