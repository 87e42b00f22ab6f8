import { ConfigError, loadTracingConfig } from '../config.js';
import { tracingWanted } from '../observability/tracing.js';
import { CliError } from './CliError.js';

// Tracing hooks pg and node:http as they are first loaded, so it starts before the
// program is imported; without an OTLP endpoint not even the SDK is loaded.
try {
  if (tracingWanted(process.env)) {
    const { startTracing } = await import('../observability/startTracing.js');
    startTracing(loadTracingConfig());
  }
  await import('./program.js');
} catch (error) {
  // A failure is one line and an exit code; the stack only when asked for (LOG_LEVEL=debug).
  const known = error instanceof CliError || error instanceof ConfigError;
  console.error(known ? error.message : `order-ledger: ${error instanceof Error ? error.message : String(error)}`);
  if (!known && /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '') && error instanceof Error) console.error(error.stack);
  process.exit(error instanceof CliError ? error.exitCode : error instanceof ConfigError ? 2 : 1);
}
