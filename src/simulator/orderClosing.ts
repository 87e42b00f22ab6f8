import type { OrderContext } from './OrderContext.js';
import { lineRef, money } from './orderLines.js';
import type { ShippedRecord } from './shipmentEvents.js';

/**
 * Returns (1.5% of shipped lines: authorised by the CRM, received by the WMS,
 * credited by the ERP), then the ERP closes the order.
 */
export function orderClosing(ctx: OrderContext, shipped: readonly ShippedRecord[], cancelledAll: boolean, readyAt: number): void {
  const { prng, clock, ids, script, erpRef } = ctx;
  let t = Math.max(readyAt, ...shipped.map((s) => s.deliveredAt));
  const picked = shipped.flatMap((s) => s.parts.filter(() => prng.chance(0.015)).map((p) => ({ ...p, invoice: s.invoiceNumber, deliveredAt: s.deliveredAt })));
  // A line shipped in two parts may be picked twice; an RMA names each line once (I1).
  const returned = picked.filter((p, i) => picked.findIndex((q) => q.line.lineNo === p.line.lineNo) === i);
  if (returned.length > 0) {
    const ra = `RA-${ids.doc}`;
    const reason = prng.pick(['DAMAGED', 'WRONG_ITEM', 'DEFECTIVE', 'NOT_NEEDED'] as const);
    const lines = returned.map((r) => lineRef(r.line, Math.max(1, Math.min(r.qty, prng.int(1, 3)))));
    const authorisedAt = clock.office(prng, Math.max(...returned.map((r) => r.deliveredAt)), 2 * 24 * 60, 10 * 24 * 60);
    script.add('CRM', 'ReturnAuthorized', ids.orderKey, authorisedAt, { type: 'RMA', id: ra }, { raNumber: ra, reason, originalInvoice: returned[0]!.invoice, lines });
    const receivedAt = clock.office(prng, authorisedAt, 2 * 24 * 60, 7 * 24 * 60);
    script.add('WMS', 'ReturnReceived', erpRef, receivedAt, { type: 'ReturnReceipt', id: `RR-${ids.doc}` }, {
      raNumber: ra, lines: lines.map((l) => ({ ...l, condition: reason === 'NOT_NEEDED' ? 'GOOD' : 'DAMAGED', disposition: reason === 'NOT_NEEDED' ? 'restock' : 'scrap' })),
    });
    t = clock.office(prng, receivedAt, 60, 24 * 60);
    const amounts = returned.map((r, i) => ({ ...lines[i]!, amount: money(lines[i]!.qty * r.line.price) }));
    script.add('ERP', 'CreditMemoIssued', erpRef, t, { type: 'CreditMemo', id: `CM-${ids.doc}` }, {
      memoNumber: `CM-${ids.doc}`, reason: 'RETURN', raNumber: ra, invoiceNumber: returned[0]!.invoice, lines: amounts,
      total: money(amounts.reduce((sum, l) => sum + l.amount.amount, 0)),
    });
  }
  const closedAt = clock.office(prng, t, 24 * 60, 3 * 24 * 60);
  script.add('ERP', 'OrderClosed', erpRef, closedAt, { type: 'OrderClose', id: `CLOSE-${ids.doc}` }, { reason: cancelledAll ? 'SHORT_CLOSE' : 'COMPLETE' });
}
