import type { OrderIds } from './orderIds.js';
import type { TimedEvent } from './OrderScript.js';
import type { Prng } from './Prng.js';

/** How often each kind of mess happens; `noMess` for a tidy day (benchmarks). */
export interface MessRates {
  /** Per submission: sent twice. */
  readonly retry: number;
  /** Per shipment: the first carrier scan arrives before the ASN. */
  readonly scanBeforeShipment: number;
  /** Per shipment: the invoice arrives before the ASN. */
  readonly invoiceBeforeShipment: number;
  /** Per order: the ERP's allocation arrives (by ERP number) before its acceptance. */
  readonly earlyAlias: number;
  /** Per order: a carrier scan names an ERP number no order has. */
  readonly unknownAlias: number;
}

export const defaultMess: MessRates = { retry: 0.03, scanBeforeShipment: 0.02, invoiceBeforeShipment: 0.01, earlyAlias: 0.01, unknownAlias: 0.003 };
export const noMess: MessRates = { retry: 0, scanBeforeShipment: 0, invoiceBeforeShipment: 0, earlyAlias: 0, unknownAlias: 0 };

/** Reorders, repeats and adds submissions the way real integrations do. */
export function integrationMess(prng: Prng, ids: OrderIds, events: TimedEvent[], rates: MessRates): TimedEvent[] {
  const out = [...events];
  for (let i = 0; i < out.length; i++) {
    const type = out[i]!.type;
    if (type === 'ShipmentConfirmed') {
      const scan = out.findIndex((e, j) => j > i && e.type === 'CarrierStatusUpdated' && e.body.data.statusCode === 'AF');
      const invoice = out.findIndex((e, j) => j > i && e.type === 'InvoicePosted');
      if (scan > i && prng.chance(rates.scanBeforeShipment)) moveBefore(out, scan, i);
      else if (invoice > i && prng.chance(rates.invoiceBeforeShipment)) moveBefore(out, invoice, i);
    }
  }
  const accepted = out.findIndex((e) => e.type === 'OrderAccepted');
  const allocation = out.findIndex((e) => e.type === 'InventoryAllocated');
  if (accepted >= 0 && allocation > accepted && prng.chance(rates.earlyAlias)) moveBefore(out, allocation, accepted, 'early-alias');
  if (prng.chance(rates.unknownAlias)) out.splice(prng.int(1, out.length), 0, strayScan(ids, out[0]!.at));
  for (let i = out.length - 1; i >= 0; i--) {
    const original = out[i]!;
    if (original.mess === undefined && prng.chance(rates.retry)) out.splice(Math.min(out.length, i + prng.int(1, 3)), 0, { ...original, mess: 'retry' });
  }
  return out;
}

function moveBefore(events: TimedEvent[], from: number, to: number, mess: TimedEvent['mess'] = 'out-of-order'): void {
  const [moved] = events.splice(from, 1);
  events.splice(to, 0, { ...moved!, mess });
}

function strayScan(ids: OrderIds, at: number): TimedEvent {
  const tracking = `TRKX${ids.doc.replace(/\D/g, '')}`;
  return {
    orderKey: ids.orderKey, system: 'TMS', type: 'CarrierStatusUpdated', ref: `erp:SO-UNKNOWN-${ids.doc}`, at, mess: 'unknown-alias',
    body: {
      occurredAt: new Date(at).toISOString(), sourceDocument: { type: 'EDI214', id: `${tracking}-AF`, revision: 0 },
      data: { trackingNumber: tracking, statusCode: 'AF', location: 'HUB-0' },
    },
  };
}
