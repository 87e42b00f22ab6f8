import { orderEventTypes, syncRecordEventTypes, type DomainEvent } from '../../domain/events.js';
import { foldOrder } from '../../domain/foldOrder.js';
import { initialOrderState, type OrderState } from '../../domain/orderState.js';
import type { EventStore, RecordedEvent } from '../../eventstore/EventStore.js';
import type { Applier, ApplyContext, PreparedBatch, Projection } from '../Projection.js';
import { backlog } from '../readModels/backlog.js';
import { crmOrderLines } from '../readModels/crmOrderLines.js';
import { crmOrders } from '../readModels/crmOrders.js';
import { exceptions } from '../readModels/exceptions.js';
import { defaultFillRateSettings, fillRateLines, type FillRateSettings } from '../readModels/fillRateLines.js';
import { orderKpis } from '../readModels/orderKpis.js';
import { target } from '../sql.js';
import { orderEventOf } from './orderEventOf.js';
import { defaultMemoryOrders, OrderMemory, type Remembered } from './orderMemory.js';
import type { OrderRowModel, OrderView } from './OrderView.js';
import { orderRowsOf, replaceOrderRows, type OrderRows } from './replaceOrderRows.js';

export interface OrdersProjectionSettings {
  readonly fillRate?: FillRateSettings;
}

/** Sync records change no report (consumer receipts alone are ~6 per order): not worth a fold, and no row's record time moves for them. */
export const ordersProjectionSkips: readonly string[] = syncRecordEventTypes;
const ignored = new Set<string>(ordersProjectionSkips);

/** The per-order read models, each a pure function of the folded OrderState. */
export function orderRowModels(settings: OrdersProjectionSettings = {}): readonly OrderRowModel[] {
  return [crmOrders, crmOrderLines, backlog, fillRateLines(settings.fillRate ?? defaultFillRateSettings), orderKpis, exceptions];
}

/**
 * The `orders` projection: folds each order with the domain's own `evolve`
 * and derives the CRM view, backlog, fill rate, KPI and exception rows from
 * that one state, in the same transaction and at the same checkpoint, so the
 * operational and executive numbers always agree with each other and with a
 * direct fold. States stay in memory (bounded); an order not in memory is
 * folded again from its stream, up to the events at hand. Per batch: a
 * DELETE plus an INSERT per table for the orders it touched.
 */
export function createOrdersProjection(settings: OrdersProjectionSettings = {}): Projection {
  const models = orderRowModels(settings);
  return {
    name: 'orders',
    version: 2,
    handles: orderEventTypes.filter((type) => !ignored.has(type)),
    tables: models.map((m) => m.table),
    open: (context) => ordersApplier(context, models),
  };
}

function ordersApplier(context: ApplyContext, models: readonly OrderRowModel[]): Applier {
  const memory = new OrderMemory(context.memoryLimit ?? defaultMemoryOrders);
  const writeBack = context.writeBack === true;
  const rowsOf = (entries: Iterable<[string, Remembered]>) => orderRowsOf(models, [...entries].map(([orderKey, r]): OrderView => ({ orderKey, state: r.state, lastRecordedAt: r.lastRecordedAt })));
  const batchOf = (rows: OrderRows, committed: () => void): PreparedBatch => ({
    write: (client, tables) => replaceOrderRows(client, rows, (table) => target(tables, table)),
    committed,
  });
  return {
    async prepare(events) {
      const touched = groupByOrder(events);
      const layer = writeBack ? undefined : memory.layer();
      const folded = new Map<string, Remembered>();
      for (const [orderKey, group] of touched) {
        const before = memory.get(orderKey)?.state ?? await foldFromStream(context.store, group.first);
        const next: Remembered = { state: foldOrder(group.events, before, withoutMemo), lastRecordedAt: group.lastRecordedAt, dirty: writeBack };
        folded.set(orderKey, next);
        if (layer) layer.set(orderKey, next);
        else memory.put(orderKey, next);
      }
      if (!writeBack) return batchOf(rowsOf(folded), () => memory.commitOldest());
      // Write-back: only what leaves memory now is written, once.
      return batchOf(rowsOf(memory.trim().filter(([, r]) => r.dirty)), () => undefined);
    },
    reset: () => memory.dropLayers(),
    flush: () => batchOf(rowsOf(memory.takeDirty()), () => undefined),
  };
}

/** Folds leave out the idempotency memo: no report reads it, and it was the bulk of a state and of the fold's work. */
const withoutMemo = { memo: false } as const;

/**
 * The state of an order just before `first`: a new stream has none; any
 * other is folded from its stream's earlier events (read from the log,
 * which holds every one of them: they are older than `first`).
 */
async function foldFromStream(store: EventStore, first: RecordedEvent): Promise<OrderState> {
  if (first.revision === 0n) return initialOrderState;
  const earlier: DomainEvent[] = [];
  for await (const recorded of store.readStream(first.streamId)) {
    if (recorded.revision >= first.revision) break;
    const found = orderEventOf(recorded);
    if (found && !ignored.has(found.event.type)) earlier.push(found.event);
  }
  return foldOrder(earlier, initialOrderState, withoutMemo);
}

interface Touched {
  readonly first: RecordedEvent;
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
      byOrder.set(found.orderKey, { first: recorded, events: [found.event], lastRecordedAt: recorded.recordedAt });
    }
  }
  return byOrder;
}
