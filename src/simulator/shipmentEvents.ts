import { iso, isoDay } from './BusinessClock.js';
import type { OrderContext } from './OrderContext.js';
import { currency, lineRef, money, type SimLine } from './orderLines.js';

/** A line's quantity in one shipment. */
export interface Part {
  readonly line: SimLine;
  readonly qty: number;
}

/** What a shipment left behind for returns and the close. */
export interface ShippedRecord {
  readonly parts: readonly Part[];
  readonly invoiceNumber: string;
  readonly deliveredAt: number;
}

const carriers = [['UPSN', 'GROUND'], ['FDEG', 'HOME'], ['ODFL', 'LTL'], ['RDWY', 'LTL']] as const;

/**
 * One shipment of docs/domain.md §6: released, picked, packed (WMS), confirmed
 * (WMS), invoiced (ERP), three carrier scans and proof of delivery (TMS).
 */
export function shipmentEvents(ctx: OrderContext, n: number, parts: readonly Part[], readyAt: number): ShippedRecord {
  const { prng, clock, ids, script, erpRef, warehouse } = ctx;
  const asn = `ASN-${ids.doc}-${n}`;
  const tracking = `TRK${ids.doc.replace(/\D/g, '')}${n}`;
  const lines = parts.map((p) => lineRef(p.line, p.qty));
  const releasedAt = clock.office(prng, readyAt, 10, 240);
  script.add('WMS', 'ReleasedToWarehouse', erpRef, releasedAt, { type: 'WaveRelease', id: `REL-${ids.doc}-${n}` }, { warehouse, releaseId: `WAVE-${ids.doc}-${n}`, lines });
  const pickedAt = clock.office(prng, releasedAt, 15, 180);
  script.add('WMS', 'Picked', erpRef, pickedAt, { type: 'PickTask', id: `PICK-${ids.doc}-${n}` }, { warehouse, lines });
  const packedAt = clock.office(prng, pickedAt, 10, 90);
  script.add('WMS', 'Packed', erpRef, packedAt, { type: 'PackList', id: `PACK-${ids.doc}-${n}` }, { warehouse, packageCount: Math.ceil(lines.length / 4), lines });
  const shippedAt = clock.office(prng, packedAt, 30, 240);
  const [scac, service] = prng.pick(carriers);
  script.add('WMS', 'ShipmentConfirmed', erpRef, shippedAt, { type: 'ASN', id: asn }, {
    shipmentId: asn, shipFrom: warehouse, shippedAt: iso(shippedAt), carrier: { scac, service },
    trackingNumbers: [tracking], bol: `BOL-${ids.doc}-${n}`, lines,
  });
  const invoiceNumber = `INV-${ids.doc}-${n}`;
  const invoicedAt = clock.office(prng, shippedAt, 5, 120);
  const amounts = parts.map((p) => ({ ...lineRef(p.line, p.qty), amount: money(p.qty * p.line.price) }));
  const net = amounts.reduce((sum, l) => sum + l.amount.amount, 0);
  script.add('ERP', 'InvoicePosted', erpRef, invoicedAt, { type: 'Invoice', id: invoiceNumber }, {
    invoiceNumber, invoiceDate: isoDay(invoicedAt), currency, lines: amounts,
    freight: money(9.5), tax: money(net * 0.08), total: money(net * 1.08 + 9.5), shipmentRefs: [asn],
  });
  let scanAt = shippedAt;
  const deliverBy = clock.office(prng, shippedAt, 24 * 60, 4 * 24 * 60);
  for (const [code, min, max] of [['AF', 30, 180], ['X6', 240, 1440], ['X1', 120, 1440]] as const) {
    scanAt = clock.anyHour(prng, scanAt, min, max);
    script.add('TMS', 'CarrierStatusUpdated', erpRef, scanAt, { type: 'EDI214', id: `${tracking}-${code}` }, {
      shipmentId: asn, trackingNumber: tracking, statusCode: code, location: `HUB-${prng.int(1, 40)}`, eta: iso(deliverBy),
    });
  }
  const deliveredAt = clock.office(prng, scanAt, 10, 300);
  script.add('TMS', 'DeliveryConfirmed', erpRef, deliveredAt, { type: 'POD', id: `POD-${tracking}` }, {
    shipmentId: asn, deliveredAt: iso(deliveredAt), podReference: `POD-${tracking}`, damaged: prng.chance(0.01), lines,
  });
  return { parts, invoiceNumber, deliveredAt };
}
