/**
 * How report figures are rounded (docs/reporting.md): rates are fractions
 * 0–1 to 4 decimals (0.9731 = 97.31 %), money to cents after summing, and
 * durations to whole seconds. Rounding happens once, on the way out.
 */
export const rate = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
export const cents = (amount: number | string | null | undefined): number => Math.round(Number(amount ?? 0) * 100) / 100;
export const seconds = (value: number | string | null | undefined): number | null => (value === null || value === undefined ? null : Math.round(Number(value)));
