import { signWebhook } from './webhookSignature.js';

export type Fetch = typeof globalThis.fetch;

export interface WebhookRequest {
  readonly url: string;
  readonly secret: string;
  /** The event id: `webhook-id`, the same on every retry so receivers can dedupe. */
  readonly id: string;
  readonly position: string;
  readonly integrator: string;
  /** Structured-mode CloudEvent JSON. */
  readonly body: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * `refused`: the receiver answered, but not with 2xx — it counts toward the
 * event's attempts. `unreachable`: no answer, a timeout, 429 or a 502/503/504
 * from a gateway — it says nothing about the event, so it is retried
 * without limit (parking every event while a receiver is down would break
 * the order the integrator exists to keep). `aborted`: we stopped.
 */
export type DeliveryOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly kind: 'refused' | 'unreachable' | 'aborted'; readonly status?: number; readonly error: string };

const unavailableStatuses = new Set([408, 429, 502, 503, 504]);

export const cloudEventsContentType = 'application/cloudevents+json; charset=utf-8';

/** One signed POST of one event (Standard Webhooks headers, CloudEvents structured mode). */
export async function deliverWebhook(request: WebhookRequest, fetchImpl: Fetch = fetch, now: () => number = Date.now): Promise<DeliveryOutcome> {
  const headers = {
    'content-type': cloudEventsContentType,
    ...signWebhook(request.secret, request.id, Math.floor(now() / 1000), request.body),
    'ledger-position': request.position,
    'ledger-integrator': request.integrator,
    'user-agent': 'order-ledger-webhooks/1',
  };
  // A timer of our own, cleared when the delivery ends: AbortSignal.timeout()
  // combined through AbortSignal.any() can be garbage-collected before it
  // fires on Node 20, and a receiver that never answers would then stall
  // the integrator. The race also ends a fetch that ignores its signal.
  const attempt = new AbortController();
  const stop = () => attempt.abort();
  request.signal.addEventListener('abort', stop, { once: true });
  if (request.signal.aborted) attempt.abort();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timed out');
      attempt.abort();
    }, request.timeoutMs);
  });
  const exchange = (async () => {
    const response = await fetchImpl(request.url, { method: 'POST', headers, body: request.body, redirect: 'manual', signal: attempt.signal });
    // Drain the body so the keep-alive connection is reused; its content is not ours to keep.
    const text = await response.text().catch(() => '');
    return { status: response.status, text };
  })();
  try {
    const answered = await Promise.race([exchange, timedOut]);
    if (request.signal.aborted) return { ok: false, kind: 'aborted', error: 'delivery aborted' };
    if (answered === 'timed out') return { ok: false, kind: 'unreachable', error: `timed out after ${request.timeoutMs} ms` };
    const { status, text } = answered;
    if (status >= 200 && status < 300) return { ok: true, status };
    const kind = unavailableStatuses.has(status) ? 'unreachable' : 'refused';
    return { ok: false, kind, status, error: `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (error) {
    if (request.signal.aborted) return { ok: false, kind: 'aborted', error: 'delivery aborted' };
    return { ok: false, kind: 'unreachable', error: describe(error) };
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', stop);
    // Whatever the exchange does after a timeout or an abort, it is no longer awaited.
    exchange.catch(() => undefined);
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
