import { register } from 'node:module';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config.js';
import { packageVersion } from '../packageVersion.js';
import { onTracingStop } from './tracing.js';

/**
 * Starts OpenTelemetry tracing: a tracer provider exporting over OTLP/HTTP
 * (the exporter reads OTEL_EXPORTER_OTLP_* itself, the batch processor
 * OTEL_BSP_*, the provider OTEL_TRACES_SAMPLER), W3C trace context, and the
 * http and pg instrumentations. It must run before `pg` or `node:http` is
 * imported: the ES module hook below wraps those two when they are first
 * loaded, so cli/main.ts calls it and only then imports the program.
 */
export function startTracing(config: TracingConfig): void {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['pg', 'pg-pool', 'http', 'node:http', 'https', 'node:https'] } });
  const exporter = config.protocol === 'http/json' ? new JsonTraceExporter() : new ProtobufTraceExporter();
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_SERVICE_VERSION]: packageVersion() })
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Health probes and scrapes would be most of the spans and tell nothing.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health|ready|metrics)\b/.test(request.url ?? '') }),
      // Only queries made for a traced piece of work (a request, an append, a projection batch),
      // not every poll of a background loop; no span for taking a pooled connection (three a request).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  onTracingStop(() => provider.shutdown());
}
