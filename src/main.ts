import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { buildApp } from './http/buildApp.js';
import { createLogger, type Logger } from './logger.js';
import { openDatabase, type Database } from './postgres/openDatabase.js';

/** A running service: its HTTP app, its database, and how to stop both. */
export interface Service {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly address: string;
  stop(): Promise<void>;
}

/** The composition root: reads nothing but `config`, wires the real adapters, listens. */
export async function startService(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<Service> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log: (message) => logger.info(message),
  });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ logger, pool: database.pool });
    const address = await app.listen({ host: config.host, port: config.port });
    let stopping: Promise<void> | undefined;
    const built = app;
    return {
      app: built,
      database,
      address,
      stop: () => (stopping ??= (async () => {
        await built.close();
        await database.close();
      })()),
    };
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }
}
