/**
 * Every code a domain refusal can carry. Stable strings: the HTTP layer maps
 * them to statuses, clients may branch on them.
 */
export const domainErrorCodes = [
  // Hard invariants (docs/domain.md §3).
  'DUPLICATE_LINE_NO', // I1
  'NEGATIVE_QUANTITY', // I2
  'UOM_MISMATCH', // I2
  'CURRENCY_MISMATCH', // I3
  'IDEMPOTENCY_KEY_REUSED', // I4: same key, different payload
  // Conflicts with the order's current state.
  'ORDER_ALREADY_EXISTS',
  'ORDER_NOT_FOUND',
  'ORDER_KEY_MISMATCH',
  'LINE_NOT_FOUND',
  'INVALID_STATE',
  'CANCEL_EXCEEDS_OPEN',
  'QUANTITY_BELOW_SHIPPED',
  'EXCEPTION_NOT_FOUND',
  // Who may submit what.
  'NOT_OWNER',
  'LEDGER_ONLY_EVENT',
  // Payload shape.
  'INVALID_PAYLOAD',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

/** A refusal the caller can act on; `field` is a dotted path when one field is at fault. */
export interface DomainError {
  readonly code: DomainErrorCode;
  readonly message: string;
  readonly field?: string;
}

export function domainError(code: DomainErrorCode, message: string, field?: string): DomainError {
  return field === undefined ? { code, message } : { code, message, field };
}

export function isDomainError(value: unknown): value is DomainError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { code?: unknown; message?: unknown };
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (domainErrorCodes as readonly string[]).includes(candidate.code)
  );
}
