import fc from 'fast-check';
import {
  decide, evolve, initialOrderState, type Command, type DomainEvent, type OrderState,
} from '../../../src/domain/index.js';
import * as f from './fixtures.js';

const actionKinds = [
  'alloc', 'dealloc', 'backorder', 'ship', 'reverse', 'deliver', 'invoice', 'invoiceCancel', 'erpCancel',
  'ra', 'return', 'release', 'pick', 'pack', 'hold', 'unhold', 'carrier', 'credit', 'change', 'cancel', 'close', 'accept', 'reject',
] as const;

export interface Action {
  readonly kind: (typeof actionKinds)[number];
  readonly lines: readonly number[];
  readonly qty: number;
  readonly doc: number;
  readonly revision: number;
  readonly minute: number;
}

export const actionArb: fc.Arbitrary<Action> = fc.record({
  kind: fc.constantFrom(...actionKinds),
  lines: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
  qty: fc.integer({ min: 0, max: 12 }),
  doc: fc.integer({ min: 0, max: 2 }),
  revision: fc.integer({ min: 1, max: 3 }),
  minute: fc.integer({ min: 0, max: 5000 }),
});

/** 1–20 requests and facts after the order is placed. */
export const actionsArb = fc.array(actionArb, { minLength: 1, maxLength: 20 });

const at = (minute: number) => new Date(Date.UTC(2025, 2, 3, 11) + minute * 60_000).toISOString();

export function commandOf(a: Action): Command {
  const qty = Object.fromEntries(a.lines.map((n) => [n, a.qty]));
  const src = { doc: `${a.kind}-${a.doc}`, revision: a.revision, at: at(a.minute) };
  switch (a.kind) {
    case 'alloc': return f.fact(f.allocated(qty, src));
    case 'dealloc': return f.fact(f.deallocated(qty, src));
    case 'backorder': return f.fact(f.backordered(qty, src));
    case 'ship': return f.fact(f.shipped(qty, src));
    case 'reverse': return f.fact(f.shipmentReversed(qty, src));
    case 'deliver': return f.fact(f.delivered(qty, src));
    case 'invoice': return f.fact(f.invoiced(qty, src));
    case 'invoiceCancel': return f.fact(f.invoiceCancelled(qty, src));
    case 'erpCancel': return f.fact(f.cancelled(qty, { ...src, kind: 'ERP' }));
    case 'ra': return f.fact(f.returnAuthorized(qty, src));
    case 'return': return f.fact(f.returnReceived(qty, src));
    case 'release': return f.fact(f.releasedToWarehouse(qty, src));
    case 'pick': return f.fact(f.picked(qty, src));
    case 'pack': return f.fact(f.packed(qty, src));
    case 'hold': return f.fact(f.holdApplied('CREDIT', src));
    case 'unhold': return f.fact(f.holdReleased('CREDIT', src));
    case 'carrier': return f.fact(f.carrierStatus(a.qty % 2 ? 'D1' : 'X6', src));
    case 'credit': return f.fact(f.creditMemo(a.qty * 3, src));
    case 'change': return f.changeOrderLine(f.lineChanged(a.lines[0]!, a.qty, src));
    case 'cancel': return f.cancelLine(f.cancelled(qty, src));
    case 'close': return f.fact(f.closed(src));
    case 'accept': return f.fact(f.accepted(src));
    case 'reject': return f.fact(f.rejected(src));
  }
}

/**
 * Places the order (unless `placed` is false: facts about an order not yet
 * received), then decides each action in turn; returns every recorded event
 * and each state on the way.
 */
export function run(actions: readonly Action[], placed = true): { events: DomainEvent[]; states: OrderState[] } {
  let state = initialOrderState;
  const events: DomainEvent[] = [];
  const states: OrderState[] = [];
  for (const command of [...(placed ? [f.placeOrder()] : []), ...actions.map(commandOf)]) {
    const decision = decide(command, state);
    if (!decision.ok) continue;
    for (const e of decision.events) {
      state = evolve(state, e);
      events.push(e);
    }
    states.push(state);
  }
  return { events, states };
}
