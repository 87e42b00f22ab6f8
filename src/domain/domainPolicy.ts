import { defaultOwnership, type OwnershipPolicy } from './ownershipPolicy.js';

/** The domain's tunable thresholds (docs/domain.md §3), from configuration. */
export interface DomainPolicy {
  /** I7: share of net quantity that may ship beyond it (0.1 = 10 %). */
  readonly overshipTolerance: number;
  /** I9: invoices may precede shipment (NetSuite "Invoice in Advance of Fulfillment"). */
  readonly billInAdvance: boolean;
  /** I8: raise IMPLICIT_ALLOCATION when a shipment exceeds the line's allocation. */
  readonly flagImplicitAllocation: boolean;
  /** Which system may submit which transition. */
  readonly ownership: OwnershipPolicy;
}

export const defaultDomainPolicy: DomainPolicy = {
  overshipTolerance: 0,
  billInAdvance: false,
  flagImplicitAllocation: true,
  ownership: defaultOwnership,
};
