import type { DomainErrorCode } from '../domain/errors.js';

interface CatalogueEntry {
  readonly status: number;
  readonly title: string;
}

/**
 * Every error code the API answers with, its HTTP status and its title: the
 * one place codes meet statuses (after fastify's `lib/errors.js`). Domain
 * codes come first, so a new one fails the type check until it is placed.
 */
const domainCodes = {
  INVALID_PAYLOAD: { status: 422, title: 'The payload breaks the event schema' },
  DUPLICATE_LINE_NO: { status: 422, title: 'A line is named twice' },
  NEGATIVE_QUANTITY: { status: 422, title: 'A quantity is negative' },
  UOM_MISMATCH: { status: 422, title: 'A quantity is in another unit of measure' },
  CURRENCY_MISMATCH: { status: 422, title: 'An amount is in another currency' },
  LINE_NOT_FOUND: { status: 422, title: 'The order has no such line' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, title: 'The idempotency key was used for another submission' },
  ORDER_ALREADY_EXISTS: { status: 409, title: 'The order already exists' },
  ORDER_KEY_MISMATCH: { status: 409, title: 'The payload names another order' },
  INVALID_STATE: { status: 409, title: 'The order is not in a state that allows this' },
  CANCEL_EXCEEDS_OPEN: { status: 409, title: 'More is cancelled than is open' },
  QUANTITY_BELOW_SHIPPED: { status: 409, title: 'The quantity would go below what shipped' },
  ORDER_NOT_FOUND: { status: 404, title: 'No such order' },
  EXCEPTION_NOT_FOUND: { status: 404, title: 'No such exception' },
  NOT_OWNER: { status: 403, title: 'Another system owns this transition' },
  LEDGER_ONLY_EVENT: { status: 422, title: 'Only the ledger records this event type' },
} as const satisfies Record<DomainErrorCode, CatalogueEntry>;

/** The codes the domain refuses a transition with. */
export const domainErrorCodes = Object.keys(domainCodes) as DomainErrorCode[];

export const errorCatalogue = {
  ...domainCodes,
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  BAD_REQUEST: { status: 400, title: 'The request could not be processed' },
  INVALID_DATE_RANGE: { status: 400, title: 'The date range is not valid' },
  INVALID_POSITION: { status: 400, title: 'The position is not valid' },
  INVALID_CURSOR: { status: 400, title: 'The cursor is not valid' },
  INVALID_UTF8: { status: 400, title: 'The body is not valid UTF-8' },
  POSITION_BEYOND_HEAD: { status: 400, title: 'The position is beyond the end of the log' },
  API_KEY_MISSING: { status: 401, title: 'No API key was presented' },
  API_KEY_UNKNOWN: { status: 401, title: 'The API key is not known' },
  SCOPE_MISSING: { status: 403, title: 'The API key lacks the scope' },
  CONSUMER_NOT_BOUND: { status: 403, title: 'The API key is not bound to this consumer' },
  API_KEY_NOT_FOUND: { status: 404, title: 'No such active key' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  BINDING_NOT_FOUND: { status: 404, title: 'The API key is not bound to this consumer' },
  INTEGRATOR_NOT_FOUND: { status: 404, title: 'No such integrator' },
  PARKED_EVENT_NOT_FOUND: { status: 404, title: 'No such parked event' },
  PROJECTION_NOT_FOUND: { status: 404, title: 'No such projection' },
  RECONCILIATION_NOT_FOUND: { status: 404, title: 'No such reconciliation' },
  UNMATCHED_NOT_FOUND: { status: 404, title: 'Nothing waits under that alias' },
  CONCURRENT_UPDATE: { status: 409, title: 'The order kept changing; retry' },
  CHECKPOINT_BEHIND: { status: 409, title: 'The checkpoint is already further on' },
  INTEGRATOR_EXISTS: { status: 409, title: 'The integrator exists' },
  PARKED_EVENT_RESOLVED: { status: 409, title: 'The parked event is already resolved' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body is not in a media type this route reads' },
  CHECKPOINT_BEYOND_HEAD: { status: 422, title: 'The position is beyond the end of the log' },
  UNSTORABLE_EVENT: { status: 422, title: 'The log cannot hold the event as written' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal error' },
  DELIVERY_FAILED: { status: 502, title: 'The receiver refused the event again' },
  OVERLOADED: { status: 503, title: 'Too many appends in flight' },
  CORRELATIONS_UNAVAILABLE: { status: 503, title: 'Correlations cannot be answered completely now' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

export function statusOf(code: ErrorCode): number {
  return errorCatalogue[code].status;
}
