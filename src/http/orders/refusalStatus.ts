import type { DomainErrorCode } from '../../domain/errors.js';

/** HTTP status of each refusal code: the one place codes meet statuses, so the domain knows nothing of HTTP. */
const statuses: Record<DomainErrorCode | 'VALIDATION_FAILED' | 'CONCURRENT_UPDATE', number> = {
  VALIDATION_FAILED: 400,
  INVALID_PAYLOAD: 422,
  DUPLICATE_LINE_NO: 422,
  NEGATIVE_QUANTITY: 422,
  UOM_MISMATCH: 422,
  CURRENCY_MISMATCH: 422,
  LINE_NOT_FOUND: 422,
  IDEMPOTENCY_KEY_REUSED: 409,
  ORDER_ALREADY_EXISTS: 409,
  ORDER_KEY_MISMATCH: 409,
  INVALID_STATE: 409,
  CANCEL_EXCEEDS_OPEN: 409,
  QUANTITY_BELOW_SHIPPED: 409,
  CONCURRENT_UPDATE: 409,
  ORDER_NOT_FOUND: 404,
  EXCEPTION_NOT_FOUND: 404,
  NOT_OWNER: 403,
};

export function refusalStatus(code: string): number {
  return statuses[code as keyof typeof statuses] ?? 422;
}
