import { describe, expect, it } from 'vitest';
import { envelopeSchema, eventDataSchemas, orderEventTypes, parseEventData } from '../../src/domain/index.js';
import * as f from './support/fixtures.js';

describe('the event catalogue', () => {
  it('has a schema for each of the 27 event types, named in the past tense', () => {
    expect(orderEventTypes).toHaveLength(27);
    expect(Object.keys(eventDataSchemas)).toEqual([...orderEventTypes]);
  });
  it('accepts the payloads the fixtures build, for every fact kind', () => {
    const samples = [
      f.received(), f.accepted(), f.rejected(), f.lineChanged(1, 2), f.holdApplied(), f.holdReleased(),
      f.allocated({ 1: 1 }), f.deallocated({ 1: 1 }), f.backordered({ 1: 1 }), f.releasedToWarehouse({ 1: 1 }),
      f.picked({ 1: 1 }), f.packed({ 1: 1 }), f.shipped({ 1: 1 }), f.shipmentReversed({ 1: 1 }), f.carrierStatus('X6'),
      f.delivered({ 1: 1 }), f.invoiced({ 1: 1 }), f.invoiceCancelled({ 1: 1 }), f.cancelled({ 1: 1 }),
      f.returnAuthorized({ 1: 1 }), f.returnReceived({ 1: 1 }), f.creditMemo(1), f.closed(), f.acknowledged(), f.resent(),
    ];
    for (const e of samples) {
      expect(parseEventData(e.type, e.data)).toMatchObject({ ok: true });
      expect(envelopeSchema.safeParse(e.envelope).success).toBe(true);
    }
  });
  it('refuses a negative quantity with the path of the field (I2)', () => {
    const bad = { lines: [{ lineNo: 1, sku: 'S', uom: 'EA', qty: -2, warehouse: 'DC1' }] };
    const result = parseEventData('InventoryAllocated', bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toEqual(['lines', 0, 'qty']);
  });
  it('refuses an amount without its currency (I3)', () => {
    const line = { ...f.orderData.lines[0]!, unitNetPrice: { amount: 5 } };
    const result = parseEventData('OrderReceived', { ...f.orderData, lines: [line] });
    expect(result.ok || result.issues.map((i) => i.path.join('.'))).toContain('lines.0.unitNetPrice.currency');
  });
  it('refuses a misspelt field rather than dropping it', () => {
    const result = parseEventData('OrderClosed', { reason: 'COMPLETE', reasn: 'typo' });
    expect(result.ok).toBe(false);
  });
  it('refuses a date that is not ISO-8601 in the envelope', () => {
    expect(envelopeSchema.safeParse({ ...f.received().envelope, occurredAt: '03/03/2025' }).success).toBe(false);
  });
});
