import type { CancelLine, ChangeOrderLine, PlaceOrder, ResolveException } from './commands.js';
import { domainError, type DomainError } from './errors.js';
import type { OrderState } from './orderState.js';
import { orderStatus, statusOfLine, terminalOrderStatuses } from './orderStatus.js';

/** PlaceOrder: the order must be new, and name itself consistently. */
export function placeOrderError(command: PlaceOrder, state: OrderState): DomainError | null {
  if (command.data.orderKey !== undefined && command.data.orderKey !== command.orderKey) {
    return domainError('ORDER_KEY_MISMATCH', `The payload names order ${command.data.orderKey}, but it was submitted for order ${command.orderKey}.`, 'data.orderKey');
  }
  if (state.header) {
    return domainError('ORDER_ALREADY_EXISTS', `Order ${command.orderKey} was already received (channel order ${state.header.channelOrderId}); change it with OrderLineChanged, or use a new order key.`);
  }
  return null;
}

/** Changes and cancellations need a live order (docs/domain.md §1: RECEIVED…PARTIALLY_SHIPPED). */
function liveOrderError(orderKey: string, state: OrderState): DomainError | null {
  if (!state.header) return domainError('ORDER_NOT_FOUND', `Order ${orderKey} has not been received; submit OrderReceived first.`);
  const status = orderStatus(state);
  if (terminalOrderStatuses.includes(status)) {
    return domainError('INVALID_STATE', `Order ${orderKey} is ${status}; it can no longer be changed.`);
  }
  return null;
}

export function changeOrderLineError(command: ChangeOrderLine, state: OrderState): DomainError | null {
  const orderError = liveOrderError(command.orderKey, state);
  if (orderError) return orderError;
  for (const [i, line] of command.data.lines.entries()) {
    const current = state.lines[String(line.lineNo)];
    const at = `data.lines.${i}`;
    if (line.added) {
      if (current?.known) return domainError('DUPLICATE_LINE_NO', `Line ${line.lineNo} already exists on the order; choose a new line number.`, `${at}.lineNo`);
      continue;
    }
    if (!current?.known) return domainError('LINE_NOT_FOUND', `The order has no line ${line.lineNo}; set "added": true to add it.`, `${at}.lineNo`);
    const status = statusOfLine(current);
    if (!['OPEN', 'BACKORDERED', 'PARTIALLY_ALLOCATED', 'ALLOCATED', 'PARTIALLY_SHIPPED'].includes(status)) {
      return domainError('INVALID_STATE', `Line ${line.lineNo} is ${status}; only open or partially shipped lines can change.`, `${at}.lineNo`);
    }
    const { cancelled, shipped } = current.buckets;
    if (line.qty - cancelled < shipped) {
      return domainError('QUANTITY_BELOW_SHIPPED', `Line ${line.lineNo} has ${shipped} shipped and ${cancelled} cancelled; the quantity cannot go below ${shipped + cancelled}.`, `${at}.qty`);
    }
  }
  return null;
}

export function cancelLineError(command: CancelLine, state: OrderState): DomainError | null {
  const orderError = liveOrderError(command.orderKey, state);
  if (orderError) return orderError;
  for (const [i, line] of command.data.lines.entries()) {
    const current = state.lines[String(line.lineNo)];
    if (!current?.known) return domainError('LINE_NOT_FOUND', `The order has no line ${line.lineNo}.`, `data.lines.${i}.lineNo`);
    if (line.qty > current.buckets.open) {
      return domainError('CANCEL_EXCEEDS_OPEN', `Line ${line.lineNo} has ${current.buckets.open} open; at most that much can be cancelled (I5).`, `data.lines.${i}.qty`);
    }
  }
  return null;
}

export function resolveExceptionError(command: ResolveException, state: OrderState): DomainError | null {
  const entry = state.exceptions[command.data.exceptionId];
  if (!entry?.raisedAt) return domainError('EXCEPTION_NOT_FOUND', `Order ${command.orderKey} has no exception ${command.data.exceptionId}.`, 'data.exceptionId');
  if (entry.resolvedAt) return domainError('INVALID_STATE', `Exception ${command.data.exceptionId} was already resolved at ${entry.resolvedAt}.`, 'data.exceptionId');
  return null;
}
