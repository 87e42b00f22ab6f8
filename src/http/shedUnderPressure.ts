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
    sampleInterval: 250,
    pressureHandler: (request, reply, _type, value) => {
      if (request.routeOptions.config.scope === undefined) return;
      // Answered here; fastify goes no further with a request whose reply is sent.
      void sendOverloaded(reply, metrics,
        `Event-loop delay is past ${maxEventLoopDelayMs} ms${Number.isFinite(value) ? ` (${Math.round(value!)} ms)` : ''}; retry after a second with the same idempotency key.`);
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.scope !== 'submit' || gate.wouldAdmit()) return done();
    void sendOverloaded(reply, metrics,
      `Submissions take longer than ${gate.options.latencyTargetMs} ms, or ${gate.options.maxInFlight} are in flight; retry after a second with the same idempotency key.`);
  });
}
