import { crmView } from '../../domain/crmView.js';
import type { OrderState } from '../../domain/orderState.js';

/**
 * The order as the API shows it: the CRM view (the same figures as
 * `reporting.crm_orders` and the CRM webhook) with its header and revision.
 */
export function orderView(orderKey: string, state: OrderState, revision: bigint) {
  return { ...crmView(state), orderKey, revision: Number(revision), header: state.header };
}

export type OrderViewBody = ReturnType<typeof orderView>;
