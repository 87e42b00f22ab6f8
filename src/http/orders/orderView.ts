import { displayStatus, orderStatus, statusOfLine, activeHolds } from '../../domain/orderStatus.js';
import type { OrderState } from '../../domain/orderState.js';
import { openValue } from '../../domain/exceptionEvents.js';

/** The order as the API shows it: header, derived statuses, lines, holds and open exceptions. */
export function orderView(orderKey: string, state: OrderState, revision: bigint) {
  return {
    orderKey,
    revision: Number(revision),
    status: orderStatus(state),
    displayStatus: displayStatus(state),
    erpOrderNumber: state.decision?.erpOrderNumber ?? null,
    header: state.header,
    openValue: Math.round(openValue(state) * 100) / 100,
    milestones: state.milestones,
    lines: Object.values(state.lines)
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((line) => ({
        lineNo: line.lineNo,
        sku: line.sku ?? line.reportedAs?.sku ?? null,
        uom: line.uom ?? line.reportedAs?.uom ?? null,
        status: statusOfLine(line),
        quantities: line.buckets,
        unitNetPrice: line.unitNetPrice,
        requestedDate: line.requestedDate,
        promisedShipDate: line.promisedShipDate,
        shipFrom: line.shipFrom,
        backorderEta: line.backorderEta,
        firstShipment: line.firstShipment,
        deliveredAt: line.deliveredAt,
      })),
    holds: activeHolds(state),
    openExceptions: Object.values(state.exceptions).filter((e) => e.resolvedAt === null),
  };
}

export type OrderViewBody = ReturnType<typeof orderView>;
