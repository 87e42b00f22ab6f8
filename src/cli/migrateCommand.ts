import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../postgres/openDatabase.js';
import { exitWith } from './exitWith.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations and exit')
    .action(async () => {
      const config = exitWith(() => loadConfig());
      const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir, log: (m) => console.log(m) });
      console.log('database is up to date');
      await database.close();
    });
}
