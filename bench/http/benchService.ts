/**
 * The service under test, in a process of its own so the load generator does
 * not share its event loop: `startService` from the environment, then one JSON
 * line `{"address": …}` on stdout (as a worker of `clusterService.ts`, the
 * same object to the primary instead). Stops cleanly on SIGTERM (so `--cpu-prof`
 * writes its profile). With OTEL_EXPORTER_OTLP_ENDPOINT it traces as
 * `order-ledger serve` does: tracing starts before the service is imported.
 */
import { loadConfig, loadTracingConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { stopTracing, tracingWanted } from '../../src/observability/tracing.js';

if (tracingWanted(process.env)) (await import('../../src/observability/startTracing.js')).startTracing(loadTracingConfig());
const { startService } = await import('../../src/main.js');
const config = loadConfig();
const service = await startService(config, createLogger(config.logLevel));
if (process.send) process.send({ address: service.address });
else process.stdout.write(JSON.stringify({ address: service.address }) + '\n');
process.once('SIGTERM', () => {
  service.stop().then(() => stopTracing()).then(() => process.exit(0), () => process.exit(1));
});
