import { context, INVALID_SPAN_CONTEXT, isSpanContextValid, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';

/**
 * Spans of the ledger's own work (appends, group-commit statements,
 * projection batches), through the OpenTelemetry API alone. Until
 * startTracing.ts registers a provider the API is a no-op: no span is
 * recorded, no context kept, nothing sent.
 */
export type { Span };

const tracer = trace.getTracer('order-ledger');

let stop: (() => Promise<void>) | undefined;
/** Whether startTracing registered a provider; until then `inSpan` skips the API altogether. */
let started = false;
/** The span `inSpan` hands its work while tracing is off: records nothing. */
const untraced = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Tracing is wanted when an OTLP endpoint is named (all signals, or traces alone). */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** Called by startTracing with what flushes and stops the provider. */
export function onTracingStop(flush: () => Promise<void>): void {
  stop = flush;
  started = true;
}

/**
 * Sends the spans still buffered and stops tracing (a no-op when tracing is
 * off). A collector that does not answer delays shutdown by `waitMs` at most.
 */
export async function stopTracing(waitMs = 2_000): Promise<void> {
  const flush = stop;
  stop = undefined;
  if (!flush) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([flush().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, waitMs).unref()))]);
  clearTimeout(timer);
}

/** Runs `work` in a span of its own, a child of the active one; a throw marks the span failed. */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  // Every append passes here: without a provider, no span object, context switch or attribute copy.
  if (!started) return work(untraced);
  return tracer.startActiveSpan(name, { attributes }, (span) => ended(span, work));
}

/** A span opened now and ended later, whose work may run in several pieces (see `within`). */
export function openSpan(name: string, attributes: Attributes, parent: Context = ROOT_CONTEXT): Span {
  return tracer.startSpan(name, { attributes }, parent);
}

/** Runs `work` with `span` as the active span (its database queries become its children). */
export function within<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** Ends `span`, failed when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) failed(span, error);
  span.end();
}

/** The active context, to be handed on to work done later for this caller (a group-commit batch). */
export function callerContext(): Context {
  return context.active();
}

/**
 * Runs `work` in one span done for several callers at once (a statement
 * that carries many appends): a child of the first caller's span, linked
 * to every caller's, so each caller's trace leads to it. No span when no
 * caller is traced.
 */
export function forCallers<T>(name: string, callers: readonly Context[], attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const links: Link[] = [];
  for (const caller of callers) {
    const spanContext = trace.getSpanContext(caller);
    if (spanContext && isSpanContextValid(spanContext)) links.push({ context: spanContext });
  }
  if (links.length === 0) return work();
  return tracer.startActiveSpan(name, { attributes, links }, callers[0]!, (span) => ended(span, work));
}

/** The trace id of the active span (sampled or not), when there is one. */
export function activeTraceId(): string | undefined {
  return tracedSpan()?.spanContext().traceId;
}

/** The active span, when there is one: a request or piece of work that belongs to a trace (sampled or not). */
export function tracedSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span && isSpanContextValid(span.spanContext()) ? span : undefined;
}

/** The W3C `traceparent` of `span`. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

async function ended<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
