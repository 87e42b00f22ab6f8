import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config.js';
import { defaultDomainPolicy, type DomainPolicy } from './domain/domainPolicy.js';
import { ownershipPolicyFrom } from './domain/ownershipPolicy.js';
import { dashboardRoutes } from './http/dashboard/dashboardRoutes.js';
import { createEventStore } from './eventstore/createEventStore.js';
import { eventStoreReadiness } from './eventstore/eventStoreReadiness.js';
import { foreignCheckpoints } from './eventstore/foreignCheckpoints.js';
import type { EventStore } from './eventstore/EventStore.js';
import { ApiKeyStore } from './http/auth/ApiKeyStore.js';
import { bootstrapKeys, formatNewKeys } from './http/auth/bootstrapKeys.js';
import { importKeyFile } from './http/auth/importKeyFile.js';
import { keyRoutes } from './http/auth/keyRoutes.js';
import { buildApp } from './http/buildApp.js';
import { LedgerMetrics } from './observability/metrics.js';
import { orderPlugins } from './http/orders/orderPlugins.js';
import { registerIntegrationMetrics } from './integrations/integrationMetrics.js';
import { startIntegrations } from './integrations/startIntegrations.js';
import { integrationPlugins } from './http/integrators/integrationPlugins.js';
import { allProjections } from './projections/allProjections.js';
import { projectionFailureRoute } from './http/reports/projectionFailureRoute.js';
import { reportRoutes } from './http/reports/reportRoutes.js';
import { registerProjectionMetrics } from './projections/projectionMetrics.js';
import { projectionReadiness } from './projections/projectionReadiness.js';
import { workerReadiness } from './workerReadiness.js';
import { ProjectionRunner } from './projections/ProjectionRunner.js';
import { createLogger, type Logger } from './logger.js';
import { openDatabase, type Database } from './postgres/openDatabase.js';
import { startAnchoring } from './anchors/startAnchoring.js';
import { SecretBox } from './integrations/SecretBox.js';

/** A running service: its HTTP app, its database, and how to stop both. */
export interface Service {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly store: EventStore;
  readonly keys: ApiKeyStore;
  readonly address: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Create and print the first keys on an embedded database that has none (default true). */
  bootstrapKeys?: boolean;
  /** Called if the embedded PostgreSQL stops under the running service (default: logged as fatal). */
  onDatabaseLost?: (message: string) => void;
}

/** The composition root: reads nothing but `config`, wires the real adapters, listens. */
export async function startService(config: Config, logger: Logger = createLogger(config.logLevel), options: StartOptions = {}): Promise<Service> {
  const policy = await domainPolicyFrom(config);
  // Each projection partition this process leads holds a connection: room for them and for everything else.
  const poolSize = Math.max(20, allProjections().length * config.projectionPartitions + 12);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort, poolSize, log: (message) => logger.info(message),
    onServerExit: options.onDatabaseLost ?? ((message) => logger.fatal(message)) });
  const cleanup: (() => Promise<void>)[] = [() => database.close()];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step().catch((error: Error) => logger.error({ err: error }, 'shutdown step failed'));
  };
  try {
    const metrics = new LedgerMetrics();
    const store = createEventStore({
      pool: database.pool, eventStoreConnectionString: config.eventStoreConnectionString, log: (m) => logger.warn(m),
      onBatch: (size) => {
        metrics.groupCommitAppends.observe(size.appends);
        metrics.groupCommitEvents.observe(size.events);
      },
    });
    cleanup.push(() => store.close());
    // Stop now, naming the missing set-up, rather than serve 500s and crash-loop projections.
    await store.checkSetup();
    for (const stale of await foreignCheckpoints(database.pool, store)) {
      logger.error({ checkpoint: stale }, `${stale.kind} ${stale.name} is at a position this event store did not issue (${stale.position}); it cannot resume until reset: ${stale.fix}`);
    }
    const keys = await ApiKeyStore.open(database.pool, { refreshMs: config.apiKeysRefreshMs, log: (m) => logger.warn(m) });
    keys.watch();
    cleanup.push(() => keys.stop());
    const imported = await importKeyFile(keys, config.legacyApiKeysFile);
    if (imported !== undefined) logger.info(`imported ${imported} API key(s) from ${config.legacyApiKeysFile} into the database; the file is renamed *.imported and no longer read`);
    if (config.databaseUrl === undefined && options.bootstrapKeys !== false) {
      const created = await bootstrapKeys(keys);
      // Printed once to the terminal, never through the logger: no secret reaches a log line.
      if (created.length > 0) process.stdout.write(formatNewKeys(created) + '\n');
    }
    const orders = orderPlugins({ pool: database.pool, store, metrics, policy, cachedOrders: config.orderCacheOrders });
    // Transitions left waiting by a crash between an alias binding and their application.
    const redriven = await orders.service.redriveBound();
    if (redriven > 0) logger.info({ redriven }, 'applied transitions that waited under aliases already bound');
    const secrets = await SecretBox.load(config.secrets);
    const integrations = await startIntegrations({ pool: database.pool, store, logger, secrets, integratorsFile: config.integratorsFile });
    cleanup.push(() => integrations.stop());
    const runner = new ProjectionRunner({ pool: database.pool, store, projections: allProjections(), logger, memoryLimit: config.projectionMemoryOrders, partitions: config.projectionPartitions });
    registerProjectionMetrics(metrics, runner);
    registerIntegrationMetrics(metrics, database.pool, store);
    const plugins: FastifyPluginAsync[] = [...orders.plugins, ...integrationPlugins({ pool: database.pool, secrets, store, orders: orders.service }), reportRoutes({ pool: database.pool, runner }), projectionFailureRoute({ runner }), dashboardRoutes({ pool: database.pool, store }), keyRoutes(keys)];
    const app = await buildApp({
      logger, pool: database.pool, store, keys, metrics, plugins,
      readinessChecks: [eventStoreReadiness(store), projectionReadiness(database.pool), workerReadiness(runner, integrations.supervisor)],
      limits: {
        maxBatchSize: config.maxBatchSize, maxInFlightAppends: config.maxInFlightAppends,
        appendLatencyTargetMs: config.appendLatencyTargetMs, maxEventLoopDelayMs: config.maxEventLoopDelayMs,
        rateLimitPerMinute: config.rateLimitPerMinute, bodyLimitBytes: config.bodyLimitBytes,
      },
    });
    cleanup.push(() => app.close());
    if (config.runProjections) {
      runner.start();
      cleanup.push(() => runner.stop());
    }
    const anchoring = await startAnchoring(database.pool, config, logger);
    cleanup.push(() => anchoring.stop());
    const address = await app.listen({ host: config.host, port: config.port });
    let stopping: Promise<void> | undefined;
    return { app, database, store, keys, address, stop: () => (stopping ??= stopAll()) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function domainPolicyFrom(config: Config): Promise<DomainPolicy> {
  if (!config.ownershipFile) return defaultDomainPolicy;
  const overrides: unknown = JSON.parse(await readFile(config.ownershipFile, 'utf8'));
  return { ...defaultDomainPolicy, ownership: ownershipPolicyFrom(overrides) };
}
