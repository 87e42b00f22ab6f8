import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { EventStore } from '../eventstore/EventStore.js';
import type { Logger } from '../logger.js';
import { packageVersion } from '../packageVersion.js';
import { installApiDocument } from './apiDocument.js';
import { AppendGate } from './appendGate.js';
import { shedUnderPressure } from './shedUnderPressure.js';
import type { ApiKeyStore } from './auth/ApiKeyStore.js';
import { authentication } from './auth/authentication.js';
import { correlation, correlationIdOf, requestLogBindings } from './correlation.js';
import { installErrorHandlers } from './errorHandler.js';
import { installParameterTextCheck } from './parameterText.js';
import './fastifyTypes.js';
import { healthRoutes } from './healthRoutes.js';
import { LedgerMetrics } from '../observability/metrics.js';
import type { ReadinessCheck } from '../observability/ReadinessCheck.js';
import { installStrictJsonParser } from './strictJsonParser.js';

/** Limits that protect the service; all come from configuration. */
export interface HttpLimits {
  maxBatchSize: number;
  maxInFlightAppends: number;
  /** See AppendGate: the fastest submission of a window taking longer shrinks the admitted concurrency. */
  appendLatencyTargetMs: number;
  /** Mean event-loop delay (ms) past which API requests are answered 503 before any work. */
  maxEventLoopDelayMs: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
}

export const defaultLimits: HttpLimits = {
  maxBatchSize: 500, maxInFlightAppends: 256, appendLatencyTargetMs: 50, maxEventLoopDelayMs: 1000, rateLimitPerMinute: 600_000, bodyLimitBytes: 5 * 1024 * 1024,
};

/** The ports the HTTP app is built from; `main.ts` wires the real ones, tests their own. */
export interface AppDeps {
  logger: Logger;
  pool: pg.Pool;
  store?: EventStore;
  keys?: ApiKeyStore;
  limits?: Partial<HttpLimits>;
  metrics?: LedgerMetrics;
  /** Route plugins of other areas (reports, feed, admin), registered under the same app. */
  plugins?: readonly FastifyPluginAsync[];
  /** What `/ready` checks besides the database (projections, event store, ...). */
  readinessChecks?: readonly ReadinessCheck[];
}

export interface AppContext {
  readonly metrics: LedgerMetrics;
  readonly gate: AppendGate;
  readonly limits: HttpLimits;
}

declare module 'fastify' {
  interface FastifyInstance {
    ledger: AppContext;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const limits = { ...defaultLimits, ...deps.limits };
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: limits.bodyLimitBytes,
    genReqId: correlationIdOf,
    childLoggerFactory: (logger, bindings, options) => logger.child(requestLogBindings(bindings), options),
    // One line per request, written by installRequestMetrics with the route and correlation id.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const metrics = deps.metrics ?? new LedgerMetrics();
  const gate = new AppendGate({ maxInFlight: limits.maxInFlightAppends, latencyTargetMs: limits.appendLatencyTargetMs });
  metrics.gauge('ledger_appends_in_flight', 'Submissions being worked on now (refused with 503 beyond LEDGER_MAX_IN_FLIGHT_APPENDS).', [], (set) => set({}, gate.active));
  app.decorate('ledger', { metrics, gate, limits });
  installErrorHandlers(app);
  installParameterTextCheck(app);
  installStrictJsonParser(app);

  await installApiDocument(app, { title: 'order-ledger', version: packageVersion() });
  await app.register(correlation);
  await shedUnderPressure(app, { gate, metrics, maxEventLoopDelayMs: limits.maxEventLoopDelayMs });
  if (deps.keys) await app.register(authentication, { keys: deps.keys });
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: limits.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    allowList: (request) => request.routeOptions.config.scope === undefined,
  });
  installRequestMetrics(app, metrics);

  await app.register(healthRoutes, { pool: deps.pool, metrics, readinessChecks: deps.readinessChecks ?? [] });
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

function installRequestMetrics(app: FastifyInstance, metrics: LedgerMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });
}
