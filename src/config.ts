import path from 'node:path';
import { z } from 'zod';
import { parseConnectionString } from './eventstore/eventstoredb/connectionString.js';
import { isPartitionCount, maxPartitions } from './eventstore/streamPartition.js';
import { defaultCachedOrders } from './orders/OrderStateCache.js';
import { defaultMemoryOrders } from './projections/orders/orderMemory.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const otlpProtocols = ['http/protobuf', 'http/json'] as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment variables the service reads, with their defaults. */
export const configSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1').describe('address the HTTP API listens on'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000).describe('port the HTTP API listens on'),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ).describe("a PostgreSQL 14+ server to use instead of the embedded one, as the service's own login"),
  LEDGER_MIGRATION_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ).describe("with DATABASE_URL: the owner's URL; migrations run as it and it sets up the service's login"),
  LEDGER_DATA_DIR: z.string().trim().min(1).default('./.ledger').describe('embedded PostgreSQL data (cluster, superuser password file)'),
  LEDGER_EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65_535).default(0).describe('port of the embedded PostgreSQL; 0 picks a free one on each start'),
  EVENTSTORE_CONNECTION_STRING: optionalText.pipe(
    z.string().superRefine((text, context) => {
      const parsed = parseConnectionString(text);
      if (!parsed.ok) context.addIssue({ code: 'custom', message: `not a KurrentDB connection string: ${parsed.reason}` });
    }).optional(),
  ).describe('move the event log to EventStoreDB/KurrentDB'),
  LOG_LEVEL: z.enum(logLevels).default('info').describe('pino level: fatal, error, warn, info, debug, trace, silent'),
  LEDGER_API_KEYS_REFRESH_MS: positiveInt(1000).describe('how often each instance picks up keys created or revoked elsewhere'),
  LEDGER_MAX_BATCH_SIZE: positiveInt(500).describe('items per POST /v1/batches'),
  LEDGER_MAX_IN_FLIGHT_APPENDS: positiveInt(256).describe('submissions worked on at once before 503'),
  LEDGER_APPEND_LATENCY_TARGET_MS: positiveInt(50).describe('mean submission latency the append gate holds by admitting fewer at once (503 past it)'),
  LEDGER_MAX_EVENT_LOOP_DELAY_MS: positiveInt(1000).describe('mean event-loop delay past which every API request is answered 503'),
  LEDGER_RATE_LIMIT_PER_MINUTE: positiveInt(600_000).describe('requests per API key per minute'),
  LEDGER_BODY_LIMIT_BYTES: positiveInt(5 * 1024 * 1024).describe('largest request body'),
  LEDGER_OWNERSHIP_FILE: optionalText.describe('JSON overrides of which system owns which transition'),
  LEDGER_INTEGRATORS_FILE: optionalText.describe('outbound integrators to load at start'),
  LEDGER_ORDER_CACHE_ORDERS: z.coerce.number().int().min(0).default(defaultCachedOrders).describe('folded orders the write side keeps in memory between submissions, least recently touched out first (0: none); a submission for one not held reads and folds its stream first'),
  LEDGER_PROJECTIONS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on').describe('off: this process does not keep the read models (another instance does)'),
  LEDGER_PROJECTION_PARTITIONS: z.coerce.number().int().positive().max(maxPartitions).refine(isPartitionCount, `a power of two from 1 to ${maxPartitions}`).default(1).describe('partitions each projection runs as (1, 2, 4, … 64), each a share of the order streams with its own checkpoint and lock; the same in every process on the database, and changed only by a rebuild (docs/reporting.md)'),
  LEDGER_PROJECTION_MEMORY_ORDERS: positiveInt(defaultMemoryOrders).describe('folded orders each projection worker (and a rebuild) keeps in memory; one not held is folded again from its stream'),
  LEDGER_SECRETS_KEY: optionalText.describe('keys that seal integrator secrets at rest: base64 of 32 bytes, comma-separated, the first seals (default: the key file)'),
  LEDGER_SECRETS_KEY_FILE: optionalText.describe('file of such keys, one a line, created with one when missing (default $LEDGER_DATA_DIR/secrets.key)'),
  LEDGER_ANCHORS_DIR: optionalText.describe('the append-only folder anchors are written to (default $LEDGER_DATA_DIR/anchors)'),
  LEDGER_ANCHOR_KEY_FILE: optionalText.describe('the Ed25519 key that signs anchors, created when missing, never in the database (default $LEDGER_DATA_DIR/anchor-signing-key.pem)'),
  LEDGER_ANCHOR_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600).describe('how often the service anchors the log; 0: only by order-ledger anchor'),
  LEDGER_ANCHOR_WEBHOOK_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()).describe('also POST every anchor here'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()).describe('turns tracing on: the OTLP/HTTP collector spans are sent to (e.g. http://collector:4318)'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()).describe('also turns tracing on: the full URL for traces alone (…/v1/traces); wins over the one above'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(otlpProtocols, { error: 'must be http/protobuf or http/json (grpc is not supported)' }).default('http/protobuf').describe('how spans are encoded for the collector'),
  OTEL_EXPORTER_OTLP_HEADERS: optionalText.describe('headers sent to the collector, key=value,key=value (never logged)'),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('order-ledger').describe('service.name on every span'),
  OTEL_TRACES_SAMPLER: optionalText.describe('which requests are traced, as OpenTelemetry names samplers (default parentbased_always_on)'),
  OTEL_TRACES_SAMPLER_ARG: optionalText.describe("the sampler's argument, e.g. 0.1 for parentbased_traceidratio"),
});

/** What the tracing bootstrap reads; the exporter and SDK read the OTEL_* variables themselves. */
export interface TracingConfig {
  protocol: (typeof otlpProtocols)[number];
  serviceName: string;
}

/** The OTEL_* settings alone, validated before the rest of the program is loaded. */
export function loadTracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const otel = Object.keys(configSchema.shape).filter((name) => name.startsWith('OTEL_')).map((name) => [name, true] as const);
  const parsed = configSchema.pick(Object.fromEntries(otel) as { [K in keyof typeof configSchema.shape as K extends `OTEL_${string}` ? K : never]: true }).safeParse(env);
  if (!parsed.success) throw configErrorOf(parsed.error.issues);
  return { protocol: parsed.data.OTEL_EXPORTER_OTLP_PROTOCOL, serviceName: parsed.data.OTEL_SERVICE_NAME };
}

/** Typed, validated settings, read once at start. */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /** The owner's URL: migrations run as it, and it sets up the service's role (docs/roles.md). */
  migrationUrl: string | undefined;
  dataDir: string;
  /** Port of the embedded PostgreSQL; 0 picks a free one on each start. */
  embeddedPgPort: number;
  eventStoreConnectionString: string | undefined;
  logLevel: (typeof logLevels)[number];
  /** How often each instance looks for keys created or revoked elsewhere. */
  apiKeysRefreshMs: number;
  /** Where earlier versions kept key hashes; imported into the database once. */
  legacyApiKeysFile: string;
  maxBatchSize: number;
  maxInFlightAppends: number;
  /** Folded orders the write side keeps between submissions (0: none). */
  orderCacheOrders: number;
  /** The queueing delay the append gate holds by admitting fewer submissions at once. */
  appendLatencyTargetMs: number;
  /** Mean event-loop delay past which every API request is answered 503 at once. */
  maxEventLoopDelayMs: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  ownershipFile: string | undefined;
  integratorsFile: string | undefined;
  /** Whether this process keeps the read models up to date (off: another process does). */
  runProjections: boolean;
  /** Folded orders each projection worker or rebuild keeps in memory. */
  projectionMemoryOrders: number;
  projectionPartitions: number;
  /** Keys that seal integrator secrets at rest (docs/secrets.md): from the environment, else the file. */
  secrets: { keys: string | undefined; keyFile: string };
  /** Where anchors are written (docs/anchors.md), by whom signed, how often (0: on demand only), and where posted. */
  anchors: { dir: string; keyFile: string; intervalSeconds: number; webhookUrl: string | undefined };
}

/** Raised when the environment holds a value the service cannot run with. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(readonly problems: readonly { variable: string; reason: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function configErrorOf(issues: readonly z.core.$ZodIssue[]): ConfigError {
  return new ConfigError(issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), reason: issue.message })));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw configErrorOf(parsed.error.issues);
  const e = parsed.data;
  if (e.LEDGER_MIGRATION_URL && !e.DATABASE_URL) {
    throw new ConfigError([{ variable: 'LEDGER_MIGRATION_URL', reason: 'needs DATABASE_URL (the service\'s own login); the embedded server sets up both roles itself' }]);
  }
  const dataDir = path.resolve(e.LEDGER_DATA_DIR);
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    migrationUrl: e.LEDGER_MIGRATION_URL,
    dataDir,
    embeddedPgPort: e.LEDGER_EMBEDDED_PG_PORT,
    eventStoreConnectionString: e.EVENTSTORE_CONNECTION_STRING,
    logLevel: e.LOG_LEVEL,
    apiKeysRefreshMs: e.LEDGER_API_KEYS_REFRESH_MS,
    legacyApiKeysFile: path.join(dataDir, 'api-keys.json'),
    maxBatchSize: e.LEDGER_MAX_BATCH_SIZE,
    maxInFlightAppends: e.LEDGER_MAX_IN_FLIGHT_APPENDS,
    orderCacheOrders: e.LEDGER_ORDER_CACHE_ORDERS,
    appendLatencyTargetMs: e.LEDGER_APPEND_LATENCY_TARGET_MS,
    maxEventLoopDelayMs: e.LEDGER_MAX_EVENT_LOOP_DELAY_MS,
    rateLimitPerMinute: e.LEDGER_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: e.LEDGER_BODY_LIMIT_BYTES,
    ownershipFile: e.LEDGER_OWNERSHIP_FILE,
    integratorsFile: e.LEDGER_INTEGRATORS_FILE,
    runProjections: e.LEDGER_PROJECTIONS === 'on',
    projectionMemoryOrders: e.LEDGER_PROJECTION_MEMORY_ORDERS,
    projectionPartitions: e.LEDGER_PROJECTION_PARTITIONS,
    secrets: { keys: e.LEDGER_SECRETS_KEY, keyFile: path.resolve(e.LEDGER_SECRETS_KEY_FILE ?? path.join(dataDir, 'secrets.key')) },
    anchors: {
      dir: path.resolve(e.LEDGER_ANCHORS_DIR ?? path.join(dataDir, 'anchors')),
      keyFile: path.resolve(e.LEDGER_ANCHOR_KEY_FILE ?? path.join(dataDir, 'anchor-signing-key.pem')),
      intervalSeconds: e.LEDGER_ANCHOR_INTERVAL_SECONDS,
      webhookUrl: e.LEDGER_ANCHOR_WEBHOOK_URL,
    },
  };
}
