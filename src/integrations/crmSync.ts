import { foldOrder } from '../domain/foldOrder.js';
import type { EventStore, RecordedEvent } from '../eventstore/EventStore.js';
import { crmView, type CrmView } from '../domain/crmView.js';
import { orderEventsOf } from './orderEventsOf.js';
import type { BodyBuilder } from './runIntegrator.js';
import { toCloudEvent, type CloudEvent } from './toCloudEvent.js';

export const crmOrderStatusType = 'com.orderledger.crm.OrderStatus';

/**
 * The CRM order-status payload for one ledger event: the order's CRM view
 * (`crmView`, the same figures as `reporting.crm_orders`) as of
 * that event (its stream folded up to the event's revision), wrapped in a
 * CloudEvent with the event's id, position and correlation. Folding up to
 * the event, not to the head, makes a redelivery or a replay send the same
 * body again, and keeps the views a CRM receives in log order.
 */
export async function crmSyncEvent(store: EventStore, event: RecordedEvent): Promise<CloudEvent<CrmView & { trigger: { type: string; position: string } }>> {
  const { events } = await orderEventsOf(store.readStream(event.streamId), event.revision);
  const view = crmView(foldOrder(events));
  return {
    ...toCloudEvent(event),
    type: crmOrderStatusType,
    data: { ...view, trigger: { type: event.type, position: event.position } },
  };
}

/** The `crm-sync` preset's body builder. */
export function crmSync(store: EventStore): BodyBuilder {
  return async (event) => JSON.stringify(await crmSyncEvent(store, event));
}
