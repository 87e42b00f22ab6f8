import { z } from 'zod';

/**
 * The values every event schema is built from. Each accepts only what the log
 * and every read model can hold unchanged: text PostgreSQL can store, numbers
 * whose sums and products stay finite and exact to their stated precision,
 * dates inside one window. docs/api.md states the same bounds.
 */

/** The window of every date and date-time: [from, until). */
export const dateWindow = { from: '2000-01-01', until: '2100-01-01' } as const;
const windowFrom = Date.parse(`${dateWindow.from}T00:00:00Z`);
const windowUntil = Date.parse(`${dateWindow.until}T00:00:00Z`);

/** Line quantities: above zero, at most `max`, at most `decimals` places (kilograms, metres). */
export const quantityBounds = { max: 1_000_000_000, decimals: 3 } as const;
/** Amounts: zero or more, at most `max`, at most `decimals` places (unit prices below a cent). */
export const amountBounds = { max: 100_000_000_000, decimals: 4 } as const;
/** Line numbers fit the projections' integer columns with room to spare. */
export const lineNoBounds = { max: 999_999 } as const;

/** Why a string cannot be stored, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  // PostgreSQL text and jsonb refuse U+0000; an unpaired surrogate has no UTF-8 form.
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (hasLoneSurrogate(value)) return 'must not contain an unpaired surrogate (U+D800–U+DFFF)';
  return undefined;
}

/** True when the string can be stored as it is. */
export function isStorableText(value: string): boolean {
  return textProblem(value) === undefined;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(value: string): boolean {
  // Most text has no surrogate at all; the regular expression runs only when one is there.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return loneSurrogate.test(value);
  }
  return false;
}

/** `value` as `nonEmpty` takes it: NUL and unpaired surrogates replaced by U+FFFD, cut to 500, `fallback` when blank. */
export function toNonEmptyText(value: string, fallback: string): string {
  const cut = value.slice(0, 500).replaceAll('\u0000', '\uFFFD');
  const storable = hasLoneSurrogate(cut) ? cut.replace(new RegExp(loneSurrogate.source, 'g'), '\uFFFD') : cut;
  return /\S/.test(storable) ? storable : fallback;
}

/** Any string the log can store (no NUL, no unpaired surrogate); for path and query parameters too. */
export const storableText = z.string().check((ctx) => {
  const problem = textProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
});

/** A storable string with at least one non-blank character, at most 500. */
export const nonEmpty = storableText.min(1).max(500).regex(/\S/, 'must not be blank');

/** True when `value` has at most `decimals` decimal places as written in JSON. */
export function hasAtMostDecimals(value: number, decimals: number): boolean {
  // JSON "1.005" parses to the double nearest 1.005, and toFixed(3) gives "1.005" back.
  return Number(value.toFixed(decimals)) === value;
}

function withinWindow(iso: string): boolean {
  const at = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return at >= windowFrom && at < windowUntil;
}
const windowMessage = `must be on or after ${dateWindow.from} and before ${dateWindow.until} (UTC)`;

/** ISO-8601 date-time with an offset, e.g. 2025-03-01T09:30:00Z, inside the date window. */
export const isoDateTime = z.iso.datetime({ offset: true }).refine(withinWindow, windowMessage);

/** ISO-8601 calendar date, e.g. 2025-03-01, inside the date window. */
export const isoDate = z.iso.date().refine(withinWindow, windowMessage);

/** I2, and a quantity that moves nothing is no transition: above zero, bounded, to three places. */
export const quantity = z.number()
  .positive('quantity must be more than zero (I2)')
  .max(quantityBounds.max, `quantity must be at most ${quantityBounds.max}`)
  .refine((v) => hasAtMostDecimals(v, quantityBounds.decimals), `quantity must have at most ${quantityBounds.decimals} decimal places`);

/** A quantity recorded as it was (a line's quantity before a change): zero allowed. */
export const recordedQuantity = z.number()
  .nonnegative('quantity must be zero or more (I2)')
  .max(quantityBounds.max, `quantity must be at most ${quantityBounds.max}`)
  .refine((v) => hasAtMostDecimals(v, quantityBounds.decimals), `quantity must have at most ${quantityBounds.decimals} decimal places`);

/** A non-negative amount, bounded, to four places. */
export const amount = z.number()
  .nonnegative('amount must be zero or more')
  .max(amountBounds.max, `amount must be at most ${amountBounds.max}`)
  .refine((v) => hasAtMostDecimals(v, amountBounds.decimals), `amount must have at most ${amountBounds.decimals} decimal places`);

/** A small count (packages, lines): a whole number from zero up to a million. */
export const count = z.number().int().nonnegative().max(1_000_000);

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

/** I3: every amount states its currency. */
export const money = z.strictObject({ amount, currency: currencyCode });
export type Money = z.infer<typeof money>;

export const lineNo = z.number().int().positive().max(lineNoBounds.max);

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
