import { describe, expect, it } from 'vitest';
import { crmView, displayStatus, foldOrder, orderStatus, statusOfLine, type DomainEvent } from '../../src/domain/index.js';
import * as f from './support/fixtures.js';
import { given } from './support/given.js';

const line = (events: DomainEvent[], n = 1) => statusOfLine(foldOrder(events).lines[String(n)]!);
const order = (events: DomainEvent[]) => orderStatus(foldOrder(events));
const base = [f.received(), f.accepted()];

describe('OrderReceived', () => {
  it('records a new order as RECEIVED', () => {
    const when = given().when(f.placeOrder());
    when.then([f.received()]);
    expect(order([f.received()])).toBe('RECEIVED');
  });
  it('fills the order key from the submission when the payload omits it', () => {
    const { orderKey: _omit, ...data } = f.orderData;
    const when = given().when(f.placeOrder(data));
    expect(when.decision.ok && when.decision.events[0]?.data).toMatchObject({ orderKey: f.orderKey });
  });
});

describe('OrderAccepted and OrderRejected', () => {
  it('accepts a received order, whose lines are OPEN', () => {
    given(f.received()).when(f.fact(f.accepted())).then([f.accepted()]);
    expect(order(base)).toBe('ACCEPTED');
    expect(line(base)).toBe('OPEN');
  });
  it('rejects a received order', () => {
    given(f.received()).when(f.fact(f.rejected())).then([f.rejected()]);
    expect(order([f.received(), f.rejected()])).toBe('REJECTED');
  });
  it('keeps the promised ship date and ship-from the ERP confirms', () => {
    const state = foldOrder(base);
    expect(state.lines['1']).toMatchObject({ promisedShipDate: '2025-03-10', shipFrom: 'DC1' });
    expect(state.decision?.erpOrderNumber).toBe('SO-9');
  });
});

describe('OrderLineChanged', () => {
  it('changes the quantity of an open line', () => {
    const change = f.lineChanged(1, 6, { doc: 'CHG-1' });
    given(...base).when(f.changeOrderLine(change)).then([change]);
    expect(foldOrder([...base, change]).lines['1']!.buckets.ordered).toBe(6);
  });
  it('adds a line when the change says so', () => {
    const change = f.lineChanged(3, 2, { doc: 'CHG-1' }, true);
    given(...base).when(f.changeOrderLine(change)).then([change]);
    expect(foldOrder([...base, change]).lines['3']?.known).toBe(true);
  });
});

describe('HoldApplied and HoldReleased', () => {
  it('shows ON_HOLD(CREDIT) while a blocking credit hold is active and nothing shipped', () => {
    given(...base).when(f.fact(f.holdApplied())).then([f.holdApplied()]);
    expect(displayStatus(foldOrder([...base, f.holdApplied()]))).toBe('ON_HOLD(CREDIT)');
  });
  it('lifts the overlay when the hold is released, whatever order the two arrive in', () => {
    const release = f.holdReleased('CREDIT', { at: '2025-03-03T12:00:00Z' });
    given(...base, f.holdApplied()).when(f.fact(release)).then([release]);
    expect(displayStatus(foldOrder([...base, release, f.holdApplied()]))).toBe('ACCEPTED');
  });
  it('stops showing the hold once something has shipped', () => {
    expect(displayStatus(foldOrder([...base, f.holdApplied(), f.shipped({ 1: 10 })]))).toBe('PARTIALLY_SHIPPED');
  });
});

describe('InventoryAllocated and InventoryDeallocated', () => {
  it('allocates an open line', () => {
    given(...base).when(f.fact(f.allocated({ 1: 10 }))).then([f.allocated({ 1: 10 })]);
    expect(line([...base, f.allocated({ 1: 10 })])).toBe('ALLOCATED');
    expect(line([...base, f.allocated({ 1: 4 })])).toBe('PARTIALLY_ALLOCATED');
  });
  it('deallocates back to OPEN', () => {
    const dealloc = f.deallocated({ 1: 10 });
    given(...base, f.allocated({ 1: 10 })).when(f.fact(dealloc)).then([dealloc]);
    expect(line([...base, f.allocated({ 1: 10 }), dealloc])).toBe('OPEN');
  });
});

describe('LineBackordered', () => {
  it('backorders an open line with its availability date', () => {
    given(...base).when(f.fact(f.backordered({ 1: 10 }))).then([f.backordered({ 1: 10 })]);
    const state = foldOrder([...base, f.backordered({ 1: 10 })]);
    expect(statusOfLine(state.lines['1']!)).toBe('BACKORDERED');
    expect(state.lines['1']!.backorderEta).toBe('2025-04-01');
  });
});

describe('ReleasedToWarehouse, Picked and Packed', () => {
  const history = [...base, f.allocated({ 1: 10 })];
  it.each([
    ['ReleasedToWarehouse', f.releasedToWarehouse({ 1: 10 }), 'released'],
    ['Picked', f.picked({ 1: 10 }), 'picked'],
    ['Packed', f.packed({ 1: 10 }), 'packed'],
  ] as const)('records %s as a milestone on an allocated line', (_name, e, flag) => {
    given(...history).when(f.fact(e)).then([e]);
    const state = foldOrder([...history, e]);
    expect(state.lines['1']![flag]).toBe(true);
    expect(statusOfLine(state.lines['1']!)).toBe('ALLOCATED');
  });
});

describe('ShipmentConfirmed and ShipmentReversed', () => {
  const history = [...base, f.allocated({ 1: 10, 2: 4 })];
  it('ships an allocated line, consuming its allocation', () => {
    given(...history).when(f.fact(f.shipped({ 1: 10 }))).then([f.shipped({ 1: 10 })]);
    const state = foldOrder([...history, f.shipped({ 1: 10 })]);
    expect(state.lines['1']!.buckets).toMatchObject({ shipped: 10, allocated: 0, open: 0 });
    expect(statusOfLine(state.lines['1']!)).toBe('SHIPPED');
    expect(orderStatus(state)).toBe('PARTIALLY_SHIPPED');
    expect(state.lines['1']!.firstShipment).toEqual({ at: '2025-03-04T08:00:00Z', qty: 10 });
  });
  it('ships part of a line as PARTIALLY_SHIPPED', () => {
    expect(line([...history, f.shipped({ 1: 4 })])).toBe('PARTIALLY_SHIPPED');
  });
  it('reverses a shipment back to its allocation', () => {
    const reversal = f.shipmentReversed({ 1: 10 });
    given(...history, f.shipped({ 1: 10 })).when(f.fact(reversal)).then([reversal]);
    expect(line([...history, f.shipped({ 1: 10 }), reversal])).toBe('ALLOCATED');
  });
});

describe('CarrierStatusUpdated', () => {
  it('records the carrier milestone of a shipped order', () => {
    const update = f.carrierStatus('X6');
    given(...base, f.shipped({ 1: 10 })).when(f.fact(update)).then([update]);
    expect(foldOrder([...base, f.shipped({ 1: 10 }), update]).carrier['1Z1']).toMatchObject({ lastStatusCode: 'X6', delivered: false });
  });
});

describe('DeliveryConfirmed', () => {
  it('delivers a shipped line', () => {
    const history = [...base, f.allocated({ 1: 10 }), f.shipped({ 1: 10 })];
    given(...history).when(f.fact(f.delivered({ 1: 10 }))).then([f.delivered({ 1: 10 })]);
    const state = foldOrder([...history, f.delivered({ 1: 10 })]);
    expect(statusOfLine(state.lines['1']!)).toBe('DELIVERED');
    expect(state.milestones.deliveredAt).toBe('2025-03-06T15:00:00Z');
  });
});

describe('InvoicePosted and InvoiceCancelled', () => {
  const history = [...base, f.allocated({ 1: 10 }), f.shipped({ 1: 10 })];
  it('invoices a shipped line', () => {
    given(...history).when(f.fact(f.invoiced({ 1: 10 }))).then([f.invoiced({ 1: 10 })]);
    const state = foldOrder([...history, f.invoiced({ 1: 10 })]);
    expect(statusOfLine(state.lines['1']!)).toBe('INVOICED');
    expect(state.totals.invoiced).toBe(50);
  });
  it('takes a cancelled invoice off the line', () => {
    const cancel = f.invoiceCancelled({ 1: 10 });
    given(...history, f.invoiced({ 1: 10 })).when(f.fact(cancel)).then([cancel]);
    expect(line([...history, f.invoiced({ 1: 10 }), cancel])).toBe('SHIPPED');
  });
});

describe('LineCancelled', () => {
  it('cancels a whole line as CANCELLED', () => {
    given(...base).when(f.cancelLine(f.cancelled({ 2: 4 }))).then([f.cancelled({ 2: 4 })]);
    expect(line([...base, f.cancelled({ 2: 4 })], 2)).toBe('CANCELLED');
  });
  it('cancels every line as an order CANCELLED', () => {
    expect(order([...base, f.cancelled({ 1: 10, 2: 4 })])).toBe('CANCELLED');
  });
  it('records a cancellation the ERP reports as a fact', () => {
    const e = f.cancelled({ 1: 2 }, { kind: 'ERP' });
    given(...base).when(f.fact(e)).then([e]);
  });
});

describe('ReturnAuthorized and ReturnReceived', () => {
  const history = [...base, f.allocated({ 1: 10 }), f.shipped({ 1: 10 })];
  it('authorises a return on a shipped line as PARTIALLY_RETURNED', () => {
    given(...history).when(f.fact(f.returnAuthorized({ 1: 3 }))).then([f.returnAuthorized({ 1: 3 })]);
    expect(line([...history, f.returnAuthorized({ 1: 3 })])).toBe('PARTIALLY_RETURNED');
  });
  it('receives the whole shipped quantity back as RETURNED', () => {
    const all = [...history, f.returnAuthorized({ 1: 10 })];
    given(...all).when(f.fact(f.returnReceived({ 1: 10 }))).then([f.returnReceived({ 1: 10 })]);
    expect(line([...all, f.returnReceived({ 1: 10 })])).toBe('RETURNED');
  });
});

describe('CreditMemoIssued', () => {
  it('records a credit within the invoiced amount', () => {
    const history = [...base, f.allocated({ 1: 10 }), f.shipped({ 1: 10 }), f.invoiced({ 1: 10 })];
    given(...history).when(f.fact(f.creditMemo(20))).then([f.creditMemo(20)]);
    expect(foldOrder([...history, f.creditMemo(20)]).totals.credited).toBe(20);
  });
});

describe('OrderClosed', () => {
  it('closes the order in any state', () => {
    given(...base).when(f.fact(f.closed())).then([f.closed()]);
    expect(order([...base, f.closed()])).toBe('CLOSED');
    expect(line([...base, f.closed()])).toBe('CLOSED');
  });
  it('leaves a line with an open return authorisation PARTIALLY_RETURNED', () => {
    const history = [...base, f.shipped({ 1: 10 }), f.returnAuthorized({ 1: 2 }), f.closed()];
    expect(line(history)).toBe('PARTIALLY_RETURNED');
  });
});

describe('IntegrationAcknowledged', () => {
  it('records a consumer receipt without changing the order', () => {
    given(...base).when(f.fact(f.acknowledged())).then([f.acknowledged()]);
    const before = foldOrder(base);
    const after = foldOrder([...base, f.acknowledged()]);
    expect({ ...after, processed: {} }).toEqual({ ...before, processed: {} });
  });
});

describe('IntegrationResent', () => {
  const history = [...base, f.shipped({ 1: 4 }), f.acknowledged()];
  it('is recorded by the ledger, delivered or failed, without changing the order or what the CRM sees of it', () => {
    for (const outcome of ['delivered', 'failed'] as const) {
      given(...history).when(f.recordResend(f.resent(outcome))).then([f.resent(outcome)]);
      const before = foldOrder(history);
      const after = foldOrder([...history, f.resent(outcome)]);
      expect({ ...after, processed: {} }).toEqual({ ...before, processed: {} });
      expect(crmView(after)).toEqual(crmView(before));
    }
  });
  it('is no fact a system may report', () => {
    given(...history).when(f.recordResend(f.resent('delivered', { kind: 'CRM' }))).then({ code: 'NOT_OWNER' });
  });
});

describe('ExceptionResolved', () => {
  const ship = f.shipped({ 1: 12 });
  const raise = () => {
    const decision = given(...base).when(f.fact(ship)).decision;
    if (!decision.ok) throw new Error('expected ok');
    return decision.events;
  };
  const resolveCommand = (exceptionId: string) => ({
    type: 'ResolveException' as const,
    orderKey: f.orderKey,
    data: { exceptionId, resolution: 'customer keeps the extra', resolvedBy: 'ops-1' },
    envelope: f.envelopeFor('ExceptionResolved', { doc: exceptionId }),
  });
  it('resolves an open exception through the ledger', () => {
    const history = [...base, ...raise()];
    const id = Object.keys(foldOrder(history).exceptions)[0]!;
    const when = given(...history).when(resolveCommand(id));
    expect(when.decision).toMatchObject({ ok: true, events: [{ type: 'ExceptionResolved' }] });
    if (!when.decision.ok) return;
    expect(foldOrder([...history, ...when.decision.events]).exceptions[id]?.resolvedAt).not.toBeNull();
  });
  it('refuses to resolve an exception the order does not have', () => {
    given(...base).when(resolveCommand('2ed6657d-e927-568b-95e1-2665a8aea6a2')).then({ code: 'EXCEPTION_NOT_FOUND' });
  });
});
