import { describe, expect, it } from 'vitest';
import { defaultDomainPolicy, eventIdOf, foldOrder } from '../../src/domain/index.js';
import * as f from './support/fixtures.js';
import { given } from './support/given.js';

const base = [f.received(), f.accepted()];
const allocatedAll = [...base, f.allocated({ 1: 10, 2: 4 })];

describe('I1: lineNo is unique per order', () => {
  it('refuses an order that names a line twice', () => {
    const data = { ...f.orderData, lines: [f.orderData.lines[0]!, f.orderData.lines[0]!] };
    const error = given().when(f.placeOrder(data)).thenRefuses('DUPLICATE_LINE_NO');
    expect(error.field).toBe('data.lines.1.lineNo');
  });
  it('refuses a change that adds a line number the order already has', () => {
    given(...base).when(f.changeOrderLine(f.lineChanged(2, 1, {}, true))).then({ code: 'DUPLICATE_LINE_NO' });
  });
});

describe('I2: quantities are non-negative and in the line unit of measure', () => {
  it('refuses a negative quantity', () => {
    const data = { ...f.orderData, lines: [{ ...f.orderData.lines[0]!, qty: -1 }] };
    given().when(f.placeOrder(data)).then({ code: 'NEGATIVE_QUANTITY' });
  });
  it('refuses a fact stated in another unit of measure', () => {
    const e = f.allocated({ 1: 1 });
    const inCases = { ...e, data: { lines: [{ ...e.data.lines[0]!, uom: 'CS' }] } };
    const error = given(...base).when(f.fact(inCases)).thenRefuses('UOM_MISMATCH');
    expect(error.field).toBe('data.lines.0.uom');
  });
});

describe('I3: one currency per order', () => {
  it('refuses an order whose lines mix currencies', () => {
    const line2 = { ...f.orderData.lines[1]!, unitNetPrice: { amount: 20, currency: 'EUR' } };
    const error = given().when(f.placeOrder({ ...f.orderData, lines: [f.orderData.lines[0]!, line2] })).thenRefuses('CURRENCY_MISMATCH');
    expect(error.field).toBe('data.lines.1.unitNetPrice.currency');
  });
  it('refuses an invoice in another currency than the order', () => {
    const inv = f.invoiced({ 1: 10 });
    const eur = { ...inv, data: { ...inv.data, currency: 'EUR', total: { amount: 50, currency: 'EUR' }, lines: inv.data.lines.map((l) => ({ ...l, amount: { ...l.amount, currency: 'EUR' } })) } };
    given(...base, f.shipped({ 1: 10 })).when(f.fact(eur)).then({ code: 'CURRENCY_MISMATCH' });
  });
});

describe('I4: a duplicate idempotency key returns the original result', () => {
  it('answers a retried order with no new events and the original event id', () => {
    const { decision, state } = given(f.received()).when(f.placeOrder());
    expect(decision).toEqual({ ok: true, events: [], duplicateOf: eventIdOf(f.received()), state });
  });
  it('answers a retried fact the same way', () => {
    const decision = given(...base, f.shipped({ 1: 10 })).when(f.fact(f.shipped({ 1: 10 }))).decision;
    expect(decision).toMatchObject({ ok: true, events: [], duplicateOf: eventIdOf(f.shipped({ 1: 10 })) });
  });
  it('refuses a reused key with a different payload', () => {
    const other = f.shipped({ 1: 3 });
    given(...base, f.shipped({ 1: 10 })).when(f.fact(other)).then({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
  it('refuses a second, different order under the same order key', () => {
    given(f.received()).when(f.placeOrder(f.orderData, { doc: 'WEB-1002' })).then({ code: 'ORDER_ALREADY_EXISTS' });
  });
});

describe('requests conflicting with the order state', () => {
  it('refuses to change a line of a cancelled order', () => {
    given(...base, f.cancelled({ 1: 10, 2: 4 })).when(f.changeOrderLine(f.lineChanged(1, 5))).then({ code: 'INVALID_STATE' });
  });
  it('refuses to change a closed order', () => {
    given(...base, f.closed()).when(f.changeOrderLine(f.lineChanged(1, 5))).then({ code: 'INVALID_STATE' });
  });
  it('refuses to cancel on a rejected order', () => {
    given(f.received(), f.rejected()).when(f.cancelLine(f.cancelled({ 1: 1 }))).then({ code: 'INVALID_STATE' });
  });
  it('refuses to change an order it has not received', () => {
    given().when(f.changeOrderLine(f.lineChanged(1, 5))).then({ code: 'ORDER_NOT_FOUND' });
  });
  it('refuses to change a line the order does not have', () => {
    given(...base).when(f.changeOrderLine(f.lineChanged(7, 5))).then({ code: 'LINE_NOT_FOUND' });
  });
  it('refuses to cut a quantity below what already shipped', () => {
    given(...allocatedAll, f.shipped({ 1: 6 })).when(f.changeOrderLine(f.lineChanged(1, 5))).then({ code: 'QUANTITY_BELOW_SHIPPED' });
  });
  it('refuses to cancel more than is open (I5 for requests)', () => {
    given(...allocatedAll, f.shipped({ 1: 6 })).when(f.cancelLine(f.cancelled({ 1: 5 }))).then({ code: 'CANCEL_EXCEEDS_OPEN' });
  });
  it('refuses a transition from a system that does not own it, naming the owners', () => {
    const error = given(...base).when(f.fact(f.shipped({ 1: 1 }, { kind: 'CRM' }))).thenRefuses('NOT_OWNER');
    expect(error.message).toContain('WMS, ERP, EDI');
  });
});

describe('soft invariants: the fact is recorded and an exception raised', () => {
  it('I5: flags an ERP cancellation beyond the open quantity', () => {
    const [raised] = given(...allocatedAll, f.shipped({ 1: 6 })).when(f.fact(f.cancelled({ 1: 6 }, { kind: 'ERP' }))).thenRaises('CANCELLED_EXCEEDS_OPEN');
    // Line 1: 4 ordered-but-unshipped remain ordered, 6 cancelled -> net 4, open 0; line 2 open 4 × 20 = 80; excess 2 × 5.
    expect(raised!.data.priority).toBe(90);
  });
  it('I6: flags allocation beyond the net quantity', () => {
    const [raised] = given(...base, f.cancelled({ 2: 4 })).when(f.fact(f.allocated({ 2: 4 }))).thenRaises('ALLOCATION_EXCEEDS_NET');
    expect(raised!.data).toMatchObject({ lineNos: [2], priority: 50 + 80, currency: 'USD' });
  });
  it('I7: flags a shipment beyond the net quantity', () => {
    const raised = given(...allocatedAll).when(f.fact(f.shipped({ 1: 12 }))).thenRaises('OVERSHIPPED', 'IMPLICIT_ALLOCATION');
    expect(raised.find((e) => e.data.code === 'OVERSHIPPED')!.data.priority).toBe(80 + 10);
  });
  it('I7: tolerates overshipment within the configured tolerance', () => {
    const policy = { ...defaultDomainPolicy, overshipTolerance: 0.2, flagImplicitAllocation: false };
    given(...allocatedAll).when(f.fact(f.shipped({ 1: 12 })), policy).then([f.shipped({ 1: 12 })]);
  });
  it('I7: flags a later revision of a reversal that reverses less, when it puts shipped back above net', () => {
    // Line 2: 4 shipped, reversed in full (back to reserved), then cancelled (net 0); revision 2 of the reversal takes back only 1, so 3 are shipped again.
    const history = [...base, f.allocated({ 2: 4 }), f.shipped({ 2: 4 }), f.shipmentReversed({ 2: 4 }), f.cancelled({ 2: 4 })];
    given(...history).when(f.fact(f.shipmentReversed({ 2: 1 }, { revision: 2 }))).thenRaises('OVERSHIPPED');
  });
  it('I7: flags a later revision of a reversal that no longer names a line, when that line is shipped above net again', () => {
    // Line 2: 4 shipped, reversed in full, then cancelled (net 0); revision 2 of the reversal names line 1 only, so line 2's 4 are shipped again.
    const history = [...base, f.allocated({ 2: 4 }), f.shipped({ 2: 4 }), f.shipmentReversed({ 2: 4 }), f.cancelled({ 2: 4 })];
    given(...history).when(f.fact(f.shipmentReversed({ 1: 0 }, { revision: 2 }))).thenRaises('OVERSHIPPED');
  });
  it('I6: flags a later revision of a deallocation that releases less, when it puts the reservation back above net', () => {
    const history = [...base, f.allocated({ 2: 4 }), f.deallocated({ 2: 4 }), f.cancelled({ 2: 4 })];
    given(...history).when(f.fact(f.deallocated({ 2: 1 }, { revision: 2 }))).thenRaises('ALLOCATION_EXCEEDS_NET');
  });
  it('I8: treats a shipment without allocation as an implicit allocation', () => {
    given(...base).when(f.fact(f.shipped({ 1: 10 }))).thenRaises('IMPLICIT_ALLOCATION');
  });
  it('I9: flags an invoice before shipment', () => {
    const [raised] = given(...base).when(f.fact(f.invoiced({ 1: 10 }))).thenRaises('INVOICE_BEFORE_SHIPMENT');
    expect(raised!.data.priority).toBe(130 + 50);
  });
  it('I9: accepts an invoice before shipment when billing in advance', () => {
    given(...base).when(f.fact(f.invoiced({ 1: 10 })), { ...defaultDomainPolicy, billInAdvance: true }).then([f.invoiced({ 1: 10 })]);
  });
  it('I10: flags a return authorisation beyond the shipped quantity', () => {
    given(...allocatedAll, f.shipped({ 1: 2 })).when(f.fact(f.returnAuthorized({ 1: 3 }))).thenRaises('RETURN_EXCEEDS_SHIPPED');
  });
  it('I10: flags a return received beyond the authorisation', () => {
    given(...allocatedAll, f.shipped({ 1: 10 }), f.returnAuthorized({ 1: 2 })).when(f.fact(f.returnReceived({ 1: 3 }))).thenRaises('RETURN_EXCEEDS_AUTHORIZED');
  });
  it('I11: flags a credit memo beyond the invoiced amount', () => {
    const history = [...allocatedAll, f.shipped({ 1: 10 }), f.invoiced({ 1: 10 })];
    const [raised] = given(...history).when(f.fact(f.creditMemo(60))).thenRaises('CREDIT_EXCEEDS_INVOICED');
    expect(raised!.data.priority).toBe(80 + 10);
  });
  it('I12: flags allocation under a blocking credit hold', () => {
    given(...base, f.holdApplied()).when(f.fact(f.allocated({ 1: 10 }))).thenRaises('ACTED_WHILE_HELD');
  });
  it('I12: flags shipment under a blocking credit hold', () => {
    given(...allocatedAll, f.holdApplied()).when(f.fact(f.shipped({ 1: 10 }))).thenRaises('ACTED_WHILE_HELD');
  });
  it('I12: does not flag a manual hold', () => {
    given(...base, f.holdApplied('MANUAL')).when(f.fact(f.allocated({ 1: 10 }))).then([f.allocated({ 1: 10 })]);
  });
  it('I13: keeps a late in-transit status after delivery in history only', () => {
    const history = [...allocatedAll, f.shipped({ 1: 10 }), f.carrierStatus('D1', { doc: 'T-2' })];
    const late = f.carrierStatus('X6', { doc: 'T-3', at: '2025-03-09T00:00:00Z' });
    given(...history).when(f.fact(late)).thenRaises('STATUS_REGRESSION');
    expect(foldOrder([...history, late]).carrier['1Z1']).toMatchObject({ lastStatusCode: 'D1', delivered: true });
  });
  it('I13: flags a pick that arrives after the line shipped', () => {
    given(...allocatedAll, f.shipped({ 1: 10 })).when(f.fact(f.picked({ 1: 10 }))).thenRaises('LATE_MILESTONE');
  });
});

describe('facts outside their valid-from states', () => {
  it('records a shipment for a line the order does not have, as UNKNOWN_LINE', () => {
    given(...base).when(f.fact(f.shipped({ 9: 1 }))).thenRaises('UNKNOWN_LINE');
  });
  it('records an acceptance for an order not yet received, as OUT_OF_SEQUENCE', () => {
    given().when(f.fact(f.accepted())).thenRaises('OUT_OF_SEQUENCE', 'UNKNOWN_LINE');
  });
  it('flags a second ERP answer', () => {
    given(...base).when(f.fact(f.rejected())).thenRaises('OUT_OF_SEQUENCE');
  });
  it('flags allocation before the ERP accepted the order', () => {
    given(f.received()).when(f.fact(f.allocated({ 1: 1 }))).thenRaises('OUT_OF_SEQUENCE');
  });
  it('flags a carrier update before anything shipped', () => {
    given(...base).when(f.fact(f.carrierStatus('X6'))).thenRaises('OUT_OF_SEQUENCE');
  });
  it('flags a delivery beyond what shipped', () => {
    given(...allocatedAll, f.shipped({ 1: 2 })).when(f.fact(f.delivered({ 1: 3 }))).thenRaises('DELIVERY_EXCEEDS_SHIPPED');
  });
});

describe('ExceptionRaised', () => {
  it('comes from the ledger, caused by the fact, correlated with it, with a key derived from it', () => {
    const ship = f.shipped({ 1: 12 });
    const [raised] = given(...allocatedAll).when(f.fact(ship), { ...defaultDomainPolicy, flagImplicitAllocation: false }).thenRaises('OVERSHIPPED');
    expect(raised!.envelope).toMatchObject({
      sourceSystem: { kind: 'LEDGER', instance: 'order-ledger' },
      correlationId: ship.envelope.correlationId,
      causationId: eventIdOf(ship),
    });
    expect(raised!.data.eventId).toBe(eventIdOf(ship));
    expect(raised!.data.exceptionId).toBe(eventIdOf(raised!));
    expect(raised!.envelope.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
  });
  it('is tracked open until resolved', () => {
    const ship = f.shipped({ 1: 12 });
    const decision = given(...allocatedAll).when(f.fact(ship)).decision;
    if (!decision.ok) throw new Error('expected ok');
    const state = foldOrder([...allocatedAll, ...decision.events]);
    const open = Object.values(state.exceptions).filter((e) => !e.resolvedAt);
    expect(open.map((e) => e.code).sort()).toEqual(['IMPLICIT_ALLOCATION', 'OVERSHIPPED']);
  });
});
