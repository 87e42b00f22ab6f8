import type { SourceSystemKind } from '../../src/domain/sourceSystems.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { noMess } from '../../src/simulator/integrationMess.js';
import { requestOf } from '../../src/simulator/SimEvent.js';

/** One request, ready to send: path, headers and serialised body. */
export interface ReadyRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
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
  sent = 0;

  constructor(seed: number, orders: number, keys: Readonly<Record<SourceSystemKind, string>>, window: number) {
    const day = generateDay({ orders, seed, days: 1, start: new Date('2026-03-02T00:00:00Z'), mess: noMess });
    this.orders = (function* () {
      for (const order of day) {
        yield order.events.map((event) => {
          const { path, json } = requestOf(event);
          return { path, headers: { authorization: `Bearer ${keys[event.system]}`, 'content-type': 'application/json' }, body: JSON.stringify(json) };
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

  answered(handle: object): void {
    const slot = handle as { queue: readonly ReadyRequest[]; next: number };
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
