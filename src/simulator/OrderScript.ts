import type { SourceSystemKind } from '../domain/sourceSystems.js';
import { iso } from './BusinessClock.js';
import type { SimEvent } from './SimEvent.js';

/** A submission with its business time, before it is placed in sending order. */
export interface TimedEvent extends SimEvent {
  readonly at: number;
}

/** Collects one order's events with their business times. */
export class OrderScript {
  private readonly timed: TimedEvent[] = [];

  constructor(readonly orderKey: string) {}

  add(system: SourceSystemKind, type: string, ref: string | null, at: number, doc: { type: string; id: string }, data: Record<string, unknown>): void {
    this.timed.push({
      orderKey: this.orderKey, system, type, ref, at,
      body: { occurredAt: iso(at), sourceDocument: { type: doc.type, id: doc.id, revision: 0 }, data },
    });
  }

  /** Latest business time so far. */
  get last(): number {
    return this.timed.reduce((max, e) => Math.max(max, e.at), 0);
  }

  /** The events in the order their systems send them: by business time, ties in the order added. */
  inSendingOrder(): TimedEvent[] {
    return this.timed.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i).map(({ e }) => e);
  }
}
