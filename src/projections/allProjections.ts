import { createOrdersProjection, type OrdersProjectionSettings } from './orders/ordersProjection.js';
import type { Projection } from './Projection.js';
import { auditTrailProjection } from './readModels/auditTrail.js';
import { syncAcknowledgementsProjection } from './readModels/syncAcknowledgements.js';

/** Every projection the service runs, in the order `rebuild` lists them. */
export function allProjections(settings: OrdersProjectionSettings = {}): readonly Projection[] {
  return [createOrdersProjection(settings), auditTrailProjection, syncAcknowledgementsProjection];
}
