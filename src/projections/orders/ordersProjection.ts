import type pg from 'pg';
import { orderEventTypes, type DomainEvent } from '../../domain/events.js';
import { foldOrder } from '../../domain/foldOrder.js';
import { initialOrderState } from '../../domain/orderState.js';
import type { RecordedEvent } from '../../eventstore/EventStore.js';
import type { Projection, TableTargets } from '../Projection.js';
import { backlog } from '../readModels/backlog.js';
import { crmOrderLines } from '../readModels/crmOrderLines.js';
import { crmOrders } from '../readModels/crmOrders.js';
import { exceptions } from '../readModels/exceptions.js';
import { defaultFillRateSettings, fillRateLines, type FillRateSettings } from '../readModels/fillRateLines.js';
import { orderKpis } from '../readModels/orderKpis.js';
import { target } from '../sql.js';
import { orderEventOf } from './orderEventOf.js';
import { loadOrderStates, saveOrderStates } from './orderStates.js';
import type { OrderRowModel, OrderView } from './OrderView.js';
import { replaceOrderRows } from './replaceOrderRows.js';

export interface OrdersProjectionSettings {
  readonly fillRate?: FillRateSettings;
}

/** Consumer receipts change no report, and there are ~6 per order: not worth a state write. */
const ignored = new Set<string>(['IntegrationAcknowledged']);

/** The per-order read models, each a pure function of the folded OrderState. */
export function orderRowModels(settings: OrdersProjectionSettings = {}): readonly OrderRowModel[] {
  return [crmOrders, crmOrderLines, backlog, fillRateLines(settings.fillRate ?? defaultFillRateSettings), orderKpis, exceptions];
}

/**
 * The `orders` projection: folds each order with the domain's own `evolve`
 * and derives the CRM view, backlog, fill rate, KPI and exception rows from
 * that one state, in the same transaction and at the same checkpoint, so the
 * operational and executive numbers always agree with each other and with a
 * direct fold. Per batch: one read of the touched states, one write of them,
 * and a DELETE plus an INSERT per table.
 */
export function createOrdersProjection(settings: OrdersProjectionSettings = {}): Projection {
  const models = orderRowModels(settings);
  return {
    name: 'orders',
    version: 2,
    handles: orderEventTypes.filter((type) => !ignored.has(type)),
    tables: ['order_state', ...models.map((m) => m.table)],
    apply: (client, events, tables) => applyOrders(client, events, tables, models),
  };
}

async function applyOrders(client: pg.ClientBase, events: readonly RecordedEvent[], tables: TableTargets, models: readonly OrderRowModel[]): Promise<void> {
  const touched = groupByOrder(events);
  if (touched.size === 0) return;
  const stateTable = target(tables, 'order_state');
  const stored = await loadOrderStates(client, stateTable, [...touched.keys()]);
  const views: OrderView[] = [...touched].map(([orderKey, group]) => ({
    orderKey,
    state: foldOrder(group.events, stored.get(orderKey) ?? initialOrderState),
    lastRecordedAt: group.lastRecordedAt,
  }));
  await saveOrderStates(client, stateTable, views);
  for (const model of models) await replaceOrderRows(client, model, target(tables, model.table), views);
}

interface Touched {
  readonly events: DomainEvent[];
  lastRecordedAt: Date;
}

function groupByOrder(events: readonly RecordedEvent[]): Map<string, Touched> {
  const byOrder = new Map<string, Touched>();
  for (const recorded of events) {
    const found = orderEventOf(recorded);
    if (!found || ignored.has(found.event.type)) continue;
    const group = byOrder.get(found.orderKey);
    if (group) {
      group.events.push(found.event);
      group.lastRecordedAt = recorded.recordedAt;
    } else {
      byOrder.set(found.orderKey, { events: [found.event], lastRecordedAt: recorded.recordedAt });
    }
  }
  return byOrder;
}
