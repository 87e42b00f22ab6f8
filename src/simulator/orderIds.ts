/** The identifiers of one simulated order: unique per seed and index, so documents never collide across runs. */
export interface OrderIds {
  readonly orderKey: string;
  readonly erpNumber: string;
  readonly customerPO: string;
  readonly channelOrderId: string;
  /** Prefix of every document id the order's systems create. */
  readonly doc: string;
}

export function orderIds(seed: number, index: number): OrderIds {
  const n = String(index + 1).padStart(6, '0');
  return {
    orderKey: `sim-${seed}-${n}`,
    erpNumber: `SO-${seed}-${n}`,
    customerPO: `PO-${seed}-${n}`,
    channelOrderId: `CH-${seed}-${n}`,
    doc: `${seed}-${n}`,
  };
}
