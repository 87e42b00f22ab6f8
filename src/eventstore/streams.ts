/** The stream that holds one order's history. */
export function orderStreamId(orderKey: string): string {
  return `order-${orderKey}`;
}
