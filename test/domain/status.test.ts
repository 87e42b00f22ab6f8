import { describe, expect, it } from 'vitest';
import { emptyBuckets, foldOrder, lineStatus, orderStatus, type Buckets } from '../../src/domain/index.js';
import * as f from './support/fixtures.js';

const b = (over: Partial<Buckets>): Buckets => {
  const raw = { ...emptyBuckets, ordered: 10, ...over };
  const net = over.net ?? Math.max(0, raw.ordered - raw.cancelled);
  return { ...raw, net, open: over.open ?? Math.max(0, net - raw.shipped) };
};

describe('lineStatus', () => {
  it.each([
    ['1 CLOSED when closed with no open return authorisation', b({}), true, 'CLOSED'],
    ['2 CANCELLED when net and shipped are 0', b({ cancelled: 10 }), false, 'CANCELLED'],
    ['3 RETURNED when everything shipped came back', b({ shipped: 10, returnAuthorized: 10, returned: 10 }), false, 'RETURNED'],
    ['4 PARTIALLY_RETURNED on an open return authorisation', b({ shipped: 10, returnAuthorized: 2 }), false, 'PARTIALLY_RETURNED'],
    ['4 PARTIALLY_RETURNED over CLOSED while an RA is open', b({ shipped: 10, returnAuthorized: 2 }), true, 'PARTIALLY_RETURNED'],
    ['5 INVOICED when nothing is open and all shipped is invoiced', b({ shipped: 10, invoiced: 10 }), false, 'INVOICED'],
    ['6 DELIVERED when nothing is open and all shipped is delivered', b({ shipped: 10, delivered: 10 }), false, 'DELIVERED'],
    ['7 SHIPPED when nothing is open', b({ shipped: 10 }), false, 'SHIPPED'],
    ['8 PARTIALLY_SHIPPED when some shipped', b({ shipped: 3 }), false, 'PARTIALLY_SHIPPED'],
    ['9 ALLOCATED when allocation covers the open quantity', b({ allocated: 10 }), false, 'ALLOCATED'],
    ['10 BACKORDERED when some is backordered', b({ allocated: 2, backordered: 8 }), false, 'BACKORDERED'],
    ['11 PARTIALLY_ALLOCATED when some is allocated', b({ allocated: 2 }), false, 'PARTIALLY_ALLOCATED'],
    ['12 OPEN otherwise', b({}), false, 'OPEN'],
  ] as const)('rule %s', (_rule, buckets, closed, expected) => {
    expect(lineStatus(buckets, closed)).toBe(expected);
  });
});

describe('orderStatus', () => {
  const base = [f.received(), f.accepted()];
  it('is NONE before the order is received and RECEIVED until the ERP answers', () => {
    expect(orderStatus(foldOrder([]))).toBe('NONE');
    expect(orderStatus(foldOrder([f.received()]))).toBe('RECEIVED');
  });
  it('takes the status all live lines share, ignoring cancelled lines', () => {
    expect(orderStatus(foldOrder([...base, f.cancelled({ 2: 4 }), f.allocated({ 1: 10 })]))).toBe('ALLOCATED');
  });
  it('is PARTIALLY_ the furthest stage when lines differ', () => {
    expect(orderStatus(foldOrder([...base, f.allocated({ 1: 10 })]))).toBe('PARTIALLY_ALLOCATED');
    expect(orderStatus(foldOrder([...base, f.shipped({ 1: 10 }), f.delivered({ 1: 10 })]))).toBe('PARTIALLY_DELIVERED');
  });
  it('stays CLOSED only through OrderClosed, even when every line is complete', () => {
    const done = [...base, f.shipped({ 1: 10, 2: 4 }), f.invoiced({ 1: 10, 2: 4 })];
    expect(orderStatus(foldOrder(done))).toBe('INVOICED');
    expect(orderStatus(foldOrder([...done, f.closed()]))).toBe('CLOSED');
  });
});
