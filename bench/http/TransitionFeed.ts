import type { SourceSystemKind } from '../../src/domain/sourceSystems.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { noMess } from '../../src/simulator/integrationMess.js';
import { requestOf } from '../../src/simulator/SimEvent.js';

/** One request, ready to send: path, headers and serialised body. */
export interface ReadyRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Whose key sends it, and the same transition as an item of `POST /v1/batches`. */
  readonly system: SourceSystemKind;
  readonly item: Record<string, unknown>;
}

/**
 * Distinct new transitions for a load generator: a tidy simulated day
 * (no retries, so no request is a replay), serialised ahead of time, handed
 * out so that an order never has two requests in flight — its next event
 * becomes ready only when the previous one was answered.
 */
export class TransitionFeed {
  private readonly orders: Generator<readonly ReadyRequest[]>;
  private readonly ready: { queue: readonly ReadyRequest[]; next: number }[] = [];
  private readonly buckets = new Map<SourceSystemKind, { requests: ReadyRequest[]; handles: object[] }>();
  sent = 0;

  constructor(seed: number, orders: number, keys: Readonly<Record<SourceSystemKind, string>>, window: number) {
    const day = generateDay({ orders, seed, days: 1, start: new Date('2026-03-02T00:00:00Z'), mess: noMess });
    this.orders = (function* () {
      for (const order of day) {
        yield order.events.map((event) => {
          const { path, json } = requestOf(event);
          const item = { orderRef: event.ref ?? event.orderKey, type: event.type, ...event.body };
          return { path, headers: { authorization: `Bearer ${keys[event.system]}`, 'content-type': 'application/json' }, body: JSON.stringify(json), system: event.system, item };
        });
      }
    })();
    for (let i = 0; i < window; i++) this.refill();
  }

  /** The next request of an order that has none in flight; its handle comes back through `answered`. */
  take(): { request: ReadyRequest; handle: object } | undefined {
    const slot = this.ready.shift() ?? this.refill(true);
    if (!slot) return undefined;
    this.sent++;
    return { request: slot.queue[slot.next]!, handle: slot };
  }

  /**
   * Up to `size` requests of one system (a batch is sent with one key), each
   * of an order with nothing else in flight; the rest wait for a later batch.
   */
  takeBatch(size: number): { system: SourceSystemKind; requests: ReadyRequest[]; handles: object[] } | undefined {
    for (;;) {
      const next = this.take();
      if (!next) break;
      const bucket = this.buckets.get(next.request.system) ?? { requests: [], handles: [] };
      this.buckets.set(next.request.system, bucket);
      bucket.requests.push(next.request);
      bucket.handles.push(next.handle);
      if (bucket.requests.length >= size) {
        this.buckets.delete(next.request.system);
        return { system: next.request.system, ...bucket };
      }
    }
    const fullest = [...this.buckets].sort((a, b) => b[1].requests.length - a[1].requests.length)[0];
    if (!fullest) return undefined;
    this.buckets.delete(fullest[0]);
    return { system: fullest[0], ...fullest[1] };
  }

  /** Hands the order back: its next request (or, when `done` is false, the same one again) becomes ready. */
  answered(handle: object, done = true): void {
    const slot = handle as { queue: readonly ReadyRequest[]; next: number };
    if (!done) {
      this.ready.push(slot);
      return;
    }
    slot.next++;
    if (slot.next < slot.queue.length) this.ready.push(slot);
    else this.refill();
  }

  private refill(take = false): { queue: readonly ReadyRequest[]; next: number } | undefined {
    const next = this.orders.next();
    if (next.done) return undefined;
    const slot = { queue: next.value, next: 0 };
    if (!take) this.ready.push(slot);
    return slot;
  }
}
