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
  try {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]),
    });
    // Drain the body so the keep-alive connection is reused; its content is not ours to keep.
    const text = await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const kind = unavailableStatuses.has(response.status) ? 'unreachable' : 'refused';
    return { ok: false, kind, status: response.status, error: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (error) {
    if (request.signal.aborted) return { ok: false, kind: 'aborted', error: 'delivery aborted' };
    return { ok: false, kind: 'unreachable', error: describe(error) };
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
