import { z } from 'zod';
import { ledgerOnlyEventTypes, ledgerOnlyReason, orderEventTypes, type OrderEventType } from '../../domain/events.js';
import { byEventType, documentedEventData } from '../eventSchemas.js';
import { orderKeyPattern } from '../../orders/orderAliases.js';
import { transitionBodyShape } from '../../orders/submission.js';
import type { RouteDocumentation } from '../apiDocument.js';
import { placeOrderExample, transitionExamples } from './transitionExamples.js';

/**
 * The transition bodies as the API document states them: `data` by the
 * event type's schema of the catalogue (src/domain/events.ts), discriminated
 * on `type`. The routes validate the envelope and leave `data` to the
 * command path, which answers 422 with the field's path.
 */
const { data: _data, ...envelopeShape } = transitionBodyShape;
void _data;

const submittable = orderEventTypes.filter((type) => !(ledgerOnlyEventTypes as readonly string[]).includes(type));
const ledgerOnlyList = `${ledgerOnlyEventTypes.slice(0, -1).join(', ')} and ${ledgerOnlyEventTypes.at(-1)!}`;
const memberOf = (type: OrderEventType) => z.strictObject({ type: z.literal(type), data: documentedEventData[type], ...envelopeShape });

export const documentedTransition = byEventType({
  id: 'Transition', io: 'input', types: submittable, member: (type, data) => z.strictObject({ type, data, ...envelopeShape }),
  description: `Any event type of the catalogue but ${ledgerOnlyList}: ${ledgerOnlyReason}`,
});

const orderKey = z.string().regex(orderKeyPattern).describe('The ledger\'s key for the new order.');

/** `POST /v1/orders`: OrderReceived, with the key of the new order. */
export const placeOrderDocs: RouteDocumentation = {
  body: z.strictObject({ orderKey, ...envelopeShape, data: documentedEventData.OrderReceived }).meta({ id: 'PlaceOrder' }),
  examples: { OrderReceived: { summary: 'A web order is placed', value: placeOrderExample } },
};

/** `POST /v1/orders/{orderRef}/events`: any other transition. */
export const transitionDocs: RouteDocumentation = {
  body: documentedTransition,
  examples: Object.fromEntries(transitionExamples.map(({ type, summary, body }) => [type, { summary, value: { type, ...body } }])),
};

const orderRef = z.string().min(1).max(300).describe('An order key, erp:<ERP order number>, or po:<soldTo>:<customer PO>.');

/** `POST /v1/batches`: items of any transition, each naming its order. */
export const batchDocs: RouteDocumentation = {
  body: z.strictObject({ items: z.array(z.discriminatedUnion('type', submittable.map((type) => memberOf(type).extend({ orderRef })) as unknown as [z.ZodObject, ...z.ZodObject[]])).min(1) }),
  examples: {
    invoiceRun: {
      summary: 'An invoice run: two orders, one named by its ERP number, one by an alias no order has yet (answered unmatched)',
      value: {
        items: [
          { orderRef: 'erp:4500012345', type: 'InvoicePosted', ...transitionExamples.find((t) => t.type === 'InvoicePosted')!.body, sourceDocument: { type: 'Invoice', id: 'INV-7002', revision: 0 }, data: { ...(transitionExamples.find((t) => t.type === 'InvoicePosted')!.body.data as object), invoiceNumber: 'INV-7002' } },
          { orderRef: 'erp:4500099999', type: 'InventoryAllocated', occurredAt: '2026-12-05T11:00:00Z', sourceDocument: { type: 'Allocation', id: 'AL-91' }, data: { lines: [{ lineNo: 1, sku: 'PAPER-A4', uom: 'CS', qty: 5, warehouse: 'DC-EAST' }] } },
        ],
      },
    },
  },
};
