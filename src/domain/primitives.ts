import { z } from 'zod';

/** A string with at least one non-blank character. */
export const nonEmpty = z.string().min(1).max(500).regex(/\S/, 'must not be blank');

/** ISO-8601 date-time with an offset, e.g. 2025-03-01T09:30:00Z. */
export const isoDateTime = z.iso.datetime({ offset: true });

/** ISO-8601 calendar date, e.g. 2025-03-01. */
export const isoDate = z.iso.date();

/** I2: a quantity is never negative. */
export const quantity = z.number().nonnegative('quantity must be zero or more (I2)');

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

/** I3: every amount states its currency. */
export const money = z.strictObject({
  amount: z.number().nonnegative(),
  currency: currencyCode,
});
export type Money = z.infer<typeof money>;

export const lineNo = z.number().int().positive();

/** What every line of every payload carries (docs/domain.md §2). */
export const lineBase = {
  lineNo,
  sku: nonEmpty,
  uom: nonEmpty,
  qty: quantity,
};

/** A payload's lines: at least one. */
export function linesOf<T extends z.ZodRawShape>(extra: T) {
  return z.array(z.strictObject({ ...lineBase, ...extra })).min(1);
}

export const party = z.strictObject({ id: nonEmpty, name: nonEmpty.optional() });
