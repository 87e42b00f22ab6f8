import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { AppendGate } from './appendGate.js';
import type { LedgerMetrics } from '../observability/metrics.js';
import { sendOverloaded } from './orders/answers.js';

export interface SheddingOptions {
  readonly gate: AppendGate;
  readonly metrics: LedgerMetrics;
  /** Mean event-loop delay (ms) past which every API request is refused. */
  readonly maxEventLoopDelayMs: number;
}

/** How often the event-loop delay is sampled (its mean over this interval is what is compared). */
const sampleIntervalMs = 250;

/**
 * Back-pressure that answers before any work: a refusal that costs as much
 * as the work it saves would only feed the overload. Two signals:
 * - the append gate (see AppendGate) would not admit a submission now: it is
 *   refused before its key is checked or its body read;
 * - this process's event loop is itself the queue (every request waits for
 *   the CPU before any handler runs, which the gate cannot see): past
 *   `maxEventLoopDelayMs` of mean delay, sampled every 250 ms, every API
 *   request is refused; /health, /ready and /metrics still answer, so an
 *   operator sees why.
 * Both answer 503 OVERLOADED with Retry-After: 1.
 */
export async function shedUnderPressure(app: FastifyInstance, { gate, metrics, maxEventLoopDelayMs }: SheddingOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval: sampleIntervalMs,
    pressureHandler: (request, reply, _type, value) => {
      if (request.routeOptions.config.scope === undefined) return;
      const measured = Number.isFinite(value);
      // An interval with no sample at all (the loop was held for all of it) reads as an infinite delay.
      // It proves only a delay of one interval, so it sheds only when the bound is no longer than that.
      if (!measured && maxEventLoopDelayMs > sampleIntervalMs) return;
      // Answered here; fastify goes no further with a request whose reply is sent.
      void sendOverloaded(reply, metrics, measured
        ? `Event-loop delay is past ${maxEventLoopDelayMs} ms (${Math.round(value!)} ms); retry after a second with the same idempotency key.`
        : `Event-loop delay is past ${maxEventLoopDelayMs} ms (the loop took no sample in the last ${sampleIntervalMs} ms); retry after a second with the same idempotency key.`);
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.scope !== 'submit' || gate.wouldAdmit()) return done();
    void sendOverloaded(reply, metrics,
      `Submissions take longer than ${gate.options.latencyTargetMs} ms, or ${gate.options.maxInFlight} are in flight; retry after a second with the same idempotency key.`);
  });
}
